"""The catalogs and key moments this project writes, one pair per lecture
(`<lecture>.yaml`, `<lecture>.moments.yaml`), shipped inside the installed package and read
with `importlib.resources` (`retrieval/catalog.py`)."""
