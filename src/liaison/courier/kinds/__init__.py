"""One module per record kind a pouch carries; `courier.registry` lists them (see `base.py`)."""
