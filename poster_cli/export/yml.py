"""A YML feed (``yml_catalog``) as Prom, Rozetka and Horoshop import it (Prom's "Вимоги до
YML-файлу", Rozetka's YML requirements): the shop, its currency, the categories with their
parents, and one ``offer`` per variant. Variants of one product share ``group_id`` (Poster's
product id) and name their option in ``param``; ``vendorCode`` is what the site orders by; the
offer id is Poster's code without dashes (letters and digits, as the feeds want)."""

from __future__ import annotations

from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

from poster_cli.catalogue.items import variant_name
from poster_cli.errors import UsageError
from poster_cli.export.offers import SiteMenu, money


def write(menu: SiteMenu, now: datetime | None = None) -> bytes:
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M")
    categories: dict[tuple[str, ...], int] = {}
    for offer in menu.offers:
        for depth in range(1, len(offer.category_path) + 1):
            categories.setdefault(offer.category_path[:depth], len(categories) + 1)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<yml_catalog date={quoteattr(stamp)}>",
        "<shop>",
        f"<name>{escape(menu.spot_name or 'Menu')}</name>",
        f"<company>{escape(menu.spot_name or 'Menu')}</company>",
    ]
    if not menu.currency:
        raise UsageError(
            "a YML feed needs the account's currency, and this snapshot has none",
            hint="run `poster-cli pull`, or pass a snapshot it wrote with --menu",
        )
    currency = menu.currency
    out.append(f'<currencies><currency id={quoteattr(currency)} rate="1"/></currencies>')
    out.append("<categories>")
    for path, cid in categories.items():
        parent = f" parentId=\"{categories[path[:-1]]}\"" if len(path) > 1 else ""
        out.append(f'<category id="{cid}"{parent}>{escape(path[-1])}</category>')
    out.append("</categories>")
    out.append("<offers>")
    for offer in menu.offers:
        group = f' group_id="{offer.product_id}"' if len(offer.variants) > 1 else ""
        for v in offer.variants:
            available = "true" if v.in_stock and v.visible and offer.visible else "false"
            out.append(f'<offer id="{v.poster_code.replace("-", "")}" available="{available}"{group}>')
            out.append(f"<name>{escape(variant_name(offer.title, v.options))}</name>")
            out.append(f"<price>{money(v.price)}</price>")
            out.append(f"<currencyId>{escape(currency)}</currencyId>")
            if offer.category_path:
                out.append(f"<categoryId>{categories[offer.category_path]}</categoryId>")
            if offer.photo:
                out.append(f"<picture>{escape(offer.photo)}</picture>")
            out.append(f"<vendorCode>{escape(v.sku)}</vendorCode>")
            for name, value in zip(offer.option_names, v.options):
                out.append(f"<param name={quoteattr(name)}>{escape(value)}</param>")
            out.append("</offer>")
    out += ["</offers>", "</shop>", "</yml_catalog>", ""]
    return "\n".join(out).encode("utf-8")
