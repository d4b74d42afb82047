function Timer() {
  this.ticks = 0;
  const tick = () => { const inner = () => this.ticks++; inner(); };
  tick(); tick();
}
console.log(new Timer().ticks);

// expect: 2
