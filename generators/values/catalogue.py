"""A small themed product catalogue, so that a cart holds things bought together.

Each theme is a shopping occasion (the PRD's "running shoes + athletic socks + water bottle");
carts and orders draw all their items from one theme and report it as `_shopping_occasion`.
Prices are whole-dollar ranges; the builder adds realistic cents endings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Product:
    code: str  # stable SKU stem: the same product always has the same SKU
    name: str
    category: str
    min_dollars: int
    max_dollars: int
    comes_in_colors: bool = False


@dataclass(frozen=True, slots=True)
class Theme:
    occasion: str
    products: tuple[Product, ...]


THEMES: tuple[Theme, ...] = (
    Theme(
        "marathon_training",
        (
            Product("FIT-101", "Cushioned Running Shoes", "Athletic Shoes", 80, 160, True),
            Product("FIT-102", "Athletic Crew Socks, 3-Pack", "Activewear", 12, 24, True),
            Product("FIT-103", "Insulated Water Bottle", "Fitness Accessories", 18, 40),
            Product("FIT-104", "GPS Fitness Tracker", "Wearable Tech", 99, 299),
            Product("FIT-105", "Moisture-Wicking Running Tee", "Activewear", 25, 55, True),
            Product("FIT-106", "Lightweight Running Shorts", "Activewear", 28, 60, True),
            Product("FIT-107", "Foam Recovery Roller", "Fitness Accessories", 20, 45),
            Product("FIT-108", "Reflective Running Vest", "Activewear", 30, 70),
        ),
    ),
    Theme(
        "date_night",
        (
            Product("DTN-201", "Satin Cocktail Dress", "Women's Dresses", 79, 249, True),
            Product("DTN-202", "Block-Heel Sandals", "Women's Shoes", 59, 149, True),
            Product("DTN-203", "Beaded Evening Clutch", "Handbags", 39, 129, True),
            Product("DTN-204", "Sterling Silver Drop Earrings", "Jewelry", 45, 180),
            Product("DTN-205", "Eau de Parfum, 1.7 oz", "Fragrance", 65, 140),
            Product("DTN-206", "Silk Square Scarf", "Accessories", 35, 95, True),
        ),
    ),
    Theme(
        "home_refresh",
        (
            Product("HOM-301", "Cotton Sateen Sheet Set, Queen", "Bedding", 80, 220, True),
            Product("HOM-302", "Down-Alternative Pillows, 2-Pack", "Bedding", 40, 110),
            Product("HOM-303", "Chunky Knit Throw Blanket", "Home Decor", 45, 120, True),
            Product("HOM-304", "Soy Wax Scented Candle", "Home Decor", 18, 48),
            Product("HOM-305", "Turkish Cotton Bath Towel Set", "Bath", 50, 140, True),
            Product("HOM-306", "Linen Decorative Pillow", "Home Decor", 30, 80, True),
        ),
    ),
    Theme(
        "baby_shower_gift",
        (
            Product("BBY-401", "Organic Cotton Bodysuits, 5-Pack", "Baby Clothing", 25, 45),
            Product("BBY-402", "Muslin Swaddle Blanket", "Baby Bedding", 20, 50, True),
            Product("BBY-403", "Plush Teddy Bear", "Toys", 15, 40),
            Product("BBY-404", "Baby Shower Greeting Card", "Stationery", 4, 9),
            Product("BBY-405", "Anti-Colic Bottle Set", "Baby Care", 25, 60),
            Product("BBY-406", "Knit Baby Hat and Mittens", "Baby Clothing", 15, 35, True),
        ),
    ),
    Theme(
        "back_to_school",
        (
            Product("SCH-501", "Padded Laptop Backpack", "Bags", 40, 110, True),
            Product("SCH-502", "Slim-Fit Stretch Jeans", "Kids' Clothing", 30, 70, True),
            Product("SCH-503", "Graphic Cotton Tee", "Kids' Clothing", 12, 30, True),
            Product("SCH-504", "Canvas Low-Top Sneakers", "Kids' Shoes", 35, 75, True),
            Product("SCH-505", "Insulated Lunch Box", "Accessories", 15, 35, True),
            Product("SCH-506", "Fleece Pullover Hoodie", "Kids' Clothing", 30, 65, True),
        ),
    ),
    Theme(
        "beauty_routine",
        (
            Product("BTY-601", "Gentle Foaming Cleanser", "Skincare", 18, 45),
            Product("BTY-602", "Daily Hydrating Moisturizer", "Skincare", 25, 80),
            Product("BTY-603", "Vitamin C Brightening Serum", "Skincare", 35, 120),
            Product("BTY-604", "Satin Finish Lipstick", "Makeup", 20, 42, True),
            Product("BTY-605", "Volumizing Mascara", "Makeup", 18, 32),
            Product("BTY-606", "Makeup Brush Set", "Beauty Tools", 25, 90),
        ),
    ),
    Theme(
        "kitchen_upgrade",
        (
            Product("KIT-701", "8-Inch Chef's Knife", "Cutlery", 40, 150),
            Product("KIT-702", "Nonstick Skillet, 10-Inch", "Cookware", 30, 90),
            Product("KIT-703", "Bamboo Cutting Board", "Kitchen Tools", 18, 45),
            Product("KIT-704", "Enameled Cast Iron Dutch Oven", "Cookware", 90, 380, True),
            Product("KIT-705", "Stainless Mixing Bowl Set", "Kitchen Tools", 25, 60),
            Product("KIT-706", "Cotton Kitchen Towels, 4-Pack", "Kitchen Linens", 15, 30, True),
        ),
    ),
    Theme(
        "business_trip",
        (
            Product("BIZ-801", "Hardside Carry-On Spinner", "Luggage", 120, 350, True),
            Product("BIZ-802", "Non-Iron Dress Shirt", "Men's Shirts", 45, 90, True),
            Product("BIZ-803", "Silk Tie", "Men's Accessories", 35, 85, True),
            Product("BIZ-804", "Reversible Leather Belt", "Men's Accessories", 30, 70),
            Product("BIZ-805", "Hanging Toiletry Bag", "Travel Accessories", 25, 60),
            Product("BIZ-806", "Wool-Blend Blazer", "Men's Suits", 150, 400, True),
        ),
    ),
)

ALL_PRODUCTS: tuple[Product, ...] = tuple(p for theme in THEMES for p in theme.products)
