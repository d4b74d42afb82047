import invariant from "tiny-invariant";
invariant(true, "never");
try { invariant(false, "the value must be set"); } catch (e) { console.log(e.name, e.message); }
