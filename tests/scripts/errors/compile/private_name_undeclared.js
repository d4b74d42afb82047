class Account {
  #balance = 0;
  deposit(n) { this.#balance += n; return this.#total; }
}
// expect error: 3:48: private field `#total` must be declared in an enclosing class
