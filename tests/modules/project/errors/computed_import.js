const which = "later";
await import(`../dynamic/${which}.js`);
