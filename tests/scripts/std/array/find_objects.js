const items = [{ sku: "a", qty: 0 }, { sku: "b", qty: 5 }, { sku: "c", qty: 2 }];
console.log(items.find(i => i.qty > 0).sku, items.filter(i => i.qty).map(i => i.sku), items.every(i => "sku" in i), items.findLast(i => i.qty > 0).sku);

// expect: b [ 'b', 'c' ] true c
