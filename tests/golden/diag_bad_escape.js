const s = "bad \u{zz} escape";
const ok = "fine";
