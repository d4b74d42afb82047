await null;
throw new Error("config missing");
