console.log(parseInt("123abc456"), parseInt("-0"), parseInt("0.0000005"), parseInt(null), parseInt("Infinity"), parseFloat("1e1000"), parseFloat("-.5e-3"));

// expect: 123 -0 0 NaN NaN Infinity -0.0005
