// html(template, data): {{name}} substitution, HTML-escaped.
//   curl 'http://127.0.0.1:8080/greet?name=<b>you</b>'
work("Page").get("/greet", () => html("<h1>Hello, {{name}}!</h1><p>{{count}} visit(s)</p>", { name: query("name") ?? "world", count: 1 }));
