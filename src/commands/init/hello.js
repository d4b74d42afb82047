// GET /hello/:name → {"message":"hello, name"}; the greeting is a helper
// module any route can import.
import { greet } from "../lib/greeting.js";

work("Hello").get("/hello/:name", () => ({ message: greet(params("name")) }));
