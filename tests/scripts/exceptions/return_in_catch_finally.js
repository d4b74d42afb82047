function f() {
  try { throw 1; } catch (e) { return "from catch"; } finally { console.log("finally ran"); }
}
console.log(f());

// expect: finally ran
// expect: from catch
