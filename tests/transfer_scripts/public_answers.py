"""Run in ``manage.py shell`` after ``ANSWERS = "<path>"``: writes to that file, as one JSON object,
every public API answer (each page of every collection and every detail it links to, the actors'
networks, the feed from its start) and the readers' pages, embeds and oEmbed answers of every box
and story, for comparing two databases."""

import json
import re

from django.test import Client

from newsroom.models import Article, FactBox

client = Client()
answers = {}


def get(url):
    response = client.get(url)
    body = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        body = json.loads(body)
    else:
        # A nonce is new on every answer.
        body = re.sub(r'nonce="[^"]*"', 'nonce=""', body)
    answers[url] = [response.status_code, body]
    return body


root = get("/api/v1/")
# "_links" is the documentation's addresses, not a collection.
for name, collection in root.items():
    if name.startswith("_"):
        continue
    page = collection
    while page:
        listing = get(page)
        for item in listing["results"]:
            for key in ("url", "network_url"):
                if item.get(key) and item[key] not in answers:
                    get(item[key])
        page = listing["next"]
get("/api/v1/changes/?after=0")
for box in FactBox.objects.exclude(status="draft").order_by("pk"):
    embed = f"/embed/factboxes/{box.slug}/"
    get(embed)
    get(f"{embed}v/1/")
    get(f"/oembed/?url=http://testserver{embed}&format=json")
for article in Article.objects.order_by("pk"):
    get(f"/stories/{article.slug}/")
    get(f"/embed/stories/{article.slug}/")
get("/")
get("/stories/iran-defence-minister-at-sco-meeting/")
get("/api/v1/actors/iran/")
with open(ANSWERS, "w") as out:  # noqa: F821  (set by the caller)
    json.dump(answers, out, sort_keys=True)
