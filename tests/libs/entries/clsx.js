import clsx from "clsx";
console.log(clsx("btn", { active: true, disabled: false }, ["big", null, ["x"]], 0, "end"));
console.log(clsx({ a: 1, b: 0 }), clsx(), clsx(["", undefined, "z"]));
