function ValidationError(msg) { this.message = msg; this.name = "ValidationError"; }
try { throw new ValidationError("bad input"); } catch (e) { console.log(e.name, e.message, e instanceof ValidationError); }

// expect: ValidationError bad input true
