import { customAlphabet } from "nanoid/non-secure";
const id = customAlphabet("abc", 12)();
console.log(id.length, [...id].every((c) => "abc".includes(c)));
