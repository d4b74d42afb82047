import { z } from "zod";
const User = z.object({ name: z.string().min(2), age: z.number().int().positive(), tags: z.array(z.string()).default([]) });
console.log(JSON.stringify(User.parse({ name: "ada", age: 36 })));
const bad = User.safeParse({ name: "a", age: -1 });
console.log(bad.success, bad.error.issues.map((i) => i.path.join(".")).join(","));
