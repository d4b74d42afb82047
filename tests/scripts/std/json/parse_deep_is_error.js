try { JSON.parse("[".repeat(5000) + "]".repeat(5000)); } catch (e) { console.log(e.name, e.message.startsWith("JSON nested too deeply")); }
// expect: SyntaxError true
