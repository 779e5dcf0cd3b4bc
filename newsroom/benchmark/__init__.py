"""`manage.py benchmark`: the production server at two archive sizes, side by side.

``probe`` runs inside one database (a subprocess per scale): it finds what to request by querying,
counts each request's queries and times publishing. ``drive`` starts the servers and loads them.
``report`` turns the figures into the Markdown tables the README keeps.
"""
