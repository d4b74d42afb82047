console.log(JSON.stringify(new Error("x")), JSON.stringify({ e: new TypeError("t") }), JSON.stringify([new Date(86400000)]));

// expect: {} {"e":{}} ["1970-01-02T00:00:00.000Z"]
