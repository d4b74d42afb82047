import { produce } from "immer";
const base = { todos: [{ text: "a", done: false }], count: 1 };
const next = produce(base, (d) => { d.todos[0].done = true; d.todos.push({ text: "b", done: false }); d.count++; });
console.log(JSON.stringify(base), JSON.stringify(next), base.todos === next.todos, Object.isFrozen(next));
