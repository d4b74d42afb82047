-- The tables of the seed's OrderProcessor example (work/order_processor.js).
-- Plain SQL that SQLite and PostgreSQL both accept.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT UNIQUE
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    price NUMERIC(10, 2) NOT NULL,
    stock INTEGER NOT NULL DEFAULT 0
);

INSERT INTO users (id, name, email) VALUES
    (1, 'Ada Lovelace', 'ada@example.com'),
    (2, 'Alan Turing', 'alan@example.com');

INSERT INTO products (id, sku, name, price, stock) VALUES
    (1, 'KW-MUG', 'Kitwork mug', 12.50, 40),
    (2, 'KW-TEE', 'Kitwork t-shirt', 25.00, 3);
