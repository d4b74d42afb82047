function f(x) {
  try {
    if (x) return "early";
    throw new Error("late");
  } catch (e) {
    return e.message;
  } finally {
    console.log("cleanup");
  }
}
