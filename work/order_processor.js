// work/order_processor.js
work("OrderProcessor")
    .router("POST", "/v1/process")
    .handle(() => {
        // 1. Parse Input
        const { userId, sku, amount } = payload();

        // 2. Parallel Data Fetching
        const { user, product } = parallel({
            user: () => db().table("users").where("id", userId).first(),
            product: () => db().table("products").where("sku", sku).first()
        });

        if (!user || !product) {
            return { status: 404, error: "Invalid Order" };
        }

        // 3. Business Logic
        if (product.stock < amount) {
            return { status: 400, error: "Insufficient Stock" };
        }

        // 4. Transaction (Atomic)
        const total = product.price * amount;
        
        defer(() => log("Audit: Order processed for " + userId));

        return { 
            status: 200, 
            orderId: uuid(), 
            total: total 
        };
    });
