"""The newsroom's half of the public read-only API: stories, fact boxes, the claims stories cite, the feed."""
