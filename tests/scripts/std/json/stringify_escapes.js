console.log(JSON.stringify("line\nbreak\ttab\\back\"quote\u0001\u001f"), JSON.stringify("é😀"), JSON.stringify({ "k\"ey": 1 }));

// expect: "line\nbreak\ttab\\back\"quote\u0001\u001f" "é😀" {"k\"ey":1}
