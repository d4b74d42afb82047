import "../tla/rejects.js";
console.log("never printed");
