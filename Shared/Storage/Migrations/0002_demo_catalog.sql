-- Demo catalog and stock (USD, minor units). SKU-OOS is out of stock; FAIL-ME triggers the
-- processor's failure injection when it is switched on.

INSERT INTO catalog (sku, name, unit_price_minor, currency) VALUES
    ('SKU-1', 'Espresso beans, 1 kg', 2499, 'USD'),
    ('SKU-2', 'Ceramic pour-over dripper', 3450, 'USD'),
    ('SKU-3', 'Burr coffee grinder', 12900, 'USD'),
    ('SKU-4', 'Gooseneck kettle, 1 l', 5995, 'USD'),
    ('SKU-5', 'Paper filters, pack of 100', 699, 'USD'),
    ('SKU-6', 'Insulated travel mug', 2200, 'USD'),
    ('SKU-OOS', 'Limited edition cold brew tower', 24900, 'USD'),
    ('FAIL-ME', 'Failure injection test item', 100, 'USD');

INSERT INTO inventory (sku, available) VALUES
    ('SKU-1', 10000),
    ('SKU-2', 10000),
    ('SKU-3', 5000),
    ('SKU-4', 5000),
    ('SKU-5', 100000),
    ('SKU-6', 10000),
    ('SKU-OOS', 0),
    ('FAIL-ME', 1000000);
