"""The cashier and menu actions the sandbox can play, with their arguments (no imports, so the
CLI can list them in ``--help`` without loading the server)."""

EVENTS: dict[str, str] = {
    "order.accepted": "ID — the cashier accepts a new online order (status 1, a receipt opens)",
    "order.declined": "ID — the cashier declines a new online order (status 7)",
    "order.closed": "ID — the guest pays; the order's receipt is closed (status 2)",
    "product.price": "ID[/MODIFICATOR_ID] PRICE — new price at every spot, in money (85 or 85.50)",
    "product.removed": "ID — the product or dish is deleted from the menu",
    "product.added": "NAME PRICE [CATEGORY_ID] — a new product at every spot",
    "product.renamed": "ID NAME — the product or dish gets a new name",
}
