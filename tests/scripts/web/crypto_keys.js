// crypto.subtle's public-key algorithms on ring. Ed25519 against RFC 8032's
// test vectors 1-3 (section 7.1). Keys node 20 made (RSA 2048, P-256,
// Ed25519: KEYS below) imported as JWK, SPKI and PKCS#8: RS256 signatures,
// which are deterministic, compared byte for byte with node's; ECDSA and
// RSA-PSS ones, which are random, verified both ways; keys exported back;
// the errors of mismatched keys. The expected lines are node 20's (and
// the RFC's).
const KEYS = {"rsa": {"jwk": {"kty": "RSA", "n": "vBSPXZDr4G1gUr0fK0JehzCTvEkqdKqGvOQRrNyJNvYjyzABSe3w4Upnf_8aS0NANHJrJyM2c0SyqAM3yLu2DZkTD88JqKucS4G47MUueSzr-EyAgsp7KcA4y64SqJmot_CRtpyc1FwfkGiYn6E8Vg9VIag0tzL4UCjzf8bY5xdjqIxjWx9BQU4mCmbL9UZyuWN-Cm6W9R9PY_AbEugyEdHbQgdSUHbGA7-WMYvY2LRrj_qxGlwiqAWR4Paz3ICUoWSBNxPhNea16kbT4cuof0Ao9LrwiBe-TpZGQ8DhqMKdsmIQyNKbgz6liwi7gapT935PB80QxXHuHpl1WL1JqQ", "e": "AQAB", "d": "BmiYmk_SlbmsXKKzPJpc6wmBndq2tAsjya0SGXGEnxHj1ivQfhgkiyH--lUd1ymCDHdx8BS1VC1SUsK_TxtES1zR_InUXVdcR-oHkXvGMbH76As_8r-a_ZPI66RxYCYnjKhJaBnt3GziKh3CRj2BzI3mW537Y9r8VouQASSBpggZN30sA1vp_qTrlYGu-Y5o-ti4MQVeOvlaDef-QJ8AmTNxlKWaavs6zzy1gO1HGWPNkqQ8KCvM0SpUus4yg2c0KDVPqAhV6lbS8FFB9XK8MupJ5xjIdykzYAjNO_-UauNwaH2Mbhj5zVeKz2ZeFo2TKLXLkveDAdCCBfj_ntod7Q", "p": "8hktLKbebE0FbZF0-gDQJtqG09xXzpPjttj9yoZOfyx91HakQ3VsYdQY80m_tzPkihYQmHppLLwTa-gILwPn0llm-4CRFt1D-X9oNrw__ZS1WKdcI-GW6SB7XEH6D4-Rh38FPwYaX-NUveYc7hLpzGcD1hRjRUPG9syZswlmfEU", "q": "xuFSy01hzEhfWtlOi_MPt-YK1N_2-sg1Qj8u8NwXyW_66N9ooTZQqSoxoOSrfBqdk8uKc9TZxRlCZgpTvOcmcllmbHF4VeP2XMqvlHVNkslRN_MbxCn3ZQuKQ-q8e-5j56yvXAmdsh26wFustEmx-YMgzRrDV1HrLtPHOyDuOBU", "dp": "yqGB6v6b6d-pbGSzmNB3aB29fbPOFow3qwIBobI6Hz1Y8CyBHik5FsSUQYT3ntojLeR77XN_dj7Qrp9dwiQtsyS7CkQ4q_90dm5KBo4XrSH7iwFBIJMfYW6bccOTDdUnhFYvSOnNx3YZpnvkuOtBnqCWWGdmE0JAVK848d4rVlU", "dq": "PWJmr6FewjLEW8Ie4EtRWq2CQlouXRFWfvAJiQYlwWLyytXJ8ZhWJSCE2Og7lb6RTIDSZxYXcSJuwBgH6JJf54N4fZg4UCpgbBuTPftGyjug-efrdgyN834wWu4k5wuZgnRmW74MEmHitmSVVcA5Uo4KncPY7ya1tGphX_q2DFE", "qi": "kUPAFShW6lGwkoo80YMJCirTnlBXVMGPkdauUieCzaXfrmP_bAzlwjfPrSXz2KjVfG-HYXSoeUzpriEThix37GafzUfwanmTjwj76lFHm_uPpSRRnegSJzN4vuA1cePDERwz38-CWUzqL0ejWT7FeK9gd00AC25_BiEaKO9k78o"}, "pkcs8": "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC8FI9dkOvgbWBSvR8rQl6HMJO8SSp0qoa85BGs3Ik29iPLMAFJ7fDhSmd//xpLQ0A0cmsnIzZzRLKoAzfIu7YNmRMPzwmoq5xLgbjsxS55LOv4TICCynspwDjLrhKomai38JG2nJzUXB+QaJifoTxWD1UhqDS3MvhQKPN/xtjnF2OojGNbH0FBTiYKZsv1RnK5Y34Kbpb1H09j8BsS6DIR0dtCB1JQdsYDv5Yxi9jYtGuP+rEaXCKoBZHg9rPcgJShZIE3E+E15rXqRtPhy6h/QCj0uvCIF75OlkZDwOGowp2yYhDI0puDPqWLCLuBqlP3fk8HzRDFce4emXVYvUmpAgMBAAECggEABmiYmk/SlbmsXKKzPJpc6wmBndq2tAsjya0SGXGEnxHj1ivQfhgkiyH++lUd1ymCDHdx8BS1VC1SUsK/TxtES1zR/InUXVdcR+oHkXvGMbH76As/8r+a/ZPI66RxYCYnjKhJaBnt3GziKh3CRj2BzI3mW537Y9r8VouQASSBpggZN30sA1vp/qTrlYGu+Y5o+ti4MQVeOvlaDef+QJ8AmTNxlKWaavs6zzy1gO1HGWPNkqQ8KCvM0SpUus4yg2c0KDVPqAhV6lbS8FFB9XK8MupJ5xjIdykzYAjNO/+UauNwaH2Mbhj5zVeKz2ZeFo2TKLXLkveDAdCCBfj/ntod7QKBgQDyGS0spt5sTQVtkXT6ANAm2obT3FfOk+O22P3Khk5/LH3UdqRDdWxh1BjzSb+3M+SKFhCYemksvBNr6AgvA+fSWWb7gJEW3UP5f2g2vD/9lLVYp1wj4ZbpIHtcQfoPj5GHfwU/Bhpf41S95hzuEunMZwPWFGNFQ8b2zJmzCWZ8RQKBgQDG4VLLTWHMSF9a2U6L8w+35grU3/b6yDVCPy7w3BfJb/ro32ihNlCpKjGg5Kt8Gp2Ty4pz1NnFGUJmClO85yZyWWZscXhV4/Zcyq+UdU2SyVE38xvEKfdlC4pD6rx77mPnrK9cCZ2yHbrAW6y0SbH5gyDNGsNXUesu08c7IO44FQKBgQDKoYHq/pvp36lsZLOY0HdoHb19s84WjDerAgGhsjofPVjwLIEeKTkWxJRBhPee2iMt5Hvtc392PtCun13CJC2zJLsKRDir/3R2bkoGjhetIfuLAUEgkx9hbptxw5MN1SeEVi9I6c3Hdhmme+S460GeoJZYZ2YTQkBUrzjx3itWVQKBgD1iZq+hXsIyxFvCHuBLUVqtgkJaLl0RVn7wCYkGJcFi8srVyfGYViUghNjoO5W+kUyA0mcWF3EibsAYB+iSX+eDeH2YOFAqYGwbkz37Rso7oPnn63YMjfN+MFruJOcLmYJ0Zlu+DBJh4rZklVXAOVKOCp3D2O8mtbRqYV/6tgxRAoGBAJFDwBUoVupRsJKKPNGDCQoq055QV1TBj5HWrlIngs2l365j/2wM5cI3z60l89io1Xxvh2F0qHlM6a4hE4Ysd+xmn81H8Gp5k48I++pRR5v7j6UkUZ3oEiczeL7gNXHjwxEcM9/PgllM6i9Ho1k+xXivYHdNAAtufwYhGijvZO/K", "spki": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvBSPXZDr4G1gUr0fK0JehzCTvEkqdKqGvOQRrNyJNvYjyzABSe3w4Upnf/8aS0NANHJrJyM2c0SyqAM3yLu2DZkTD88JqKucS4G47MUueSzr+EyAgsp7KcA4y64SqJmot/CRtpyc1FwfkGiYn6E8Vg9VIag0tzL4UCjzf8bY5xdjqIxjWx9BQU4mCmbL9UZyuWN+Cm6W9R9PY/AbEugyEdHbQgdSUHbGA7+WMYvY2LRrj/qxGlwiqAWR4Paz3ICUoWSBNxPhNea16kbT4cuof0Ao9LrwiBe+TpZGQ8DhqMKdsmIQyNKbgz6liwi7gapT935PB80QxXHuHpl1WL1JqQIDAQAB"}, "ec": {"jwk": {"kty": "EC", "x": "C3tOJRNbq6mkVAZnNgT9uuO5argq3CGzhYQ6cy46-Ok", "y": "RUmRRGAdqukEzaEqWFT773FVl1wGy9q_wzKOrrz0nWg", "crv": "P-256", "d": "a63m20sAp2VcTcLf6O399gI262W4SAoBpZVMKO13Okk"}, "pkcs8": "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQga63m20sAp2VcTcLf6O399gI262W4SAoBpZVMKO13OkmhRANCAAQLe04lE1urqaRUBmc2BP2647lquCrcIbOFhDpzLjr46UVJkURgHarpBM2hKlhU++9xVZdcBsvav8Myjq689J1o", "spki": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC3tOJRNbq6mkVAZnNgT9uuO5argq3CGzhYQ6cy46+OlFSZFEYB2q6QTNoSpYVPvvcVWXXAbL2r/DMo6uvPSdaA=="}, "ed": {"jwk": {"crv": "Ed25519", "d": "xwqH05bsqGa7v2ZTxANDvQZePJ7CSjQOSex9wuz8QNg", "x": "MQlZ0HNlBWtPN23vKOdLT06WMvslvNNgMcNxpejPM-A", "kty": "OKP"}, "pkcs8": "MC4CAQAwBQYDK2VwBCIEIMcKh9OW7Khmu79mU8QDQ70GXjyewko0DknsfcLs/EDY", "spki": "MCowBQYDK2VwAyEAMQlZ0HNlBWtPN23vKOdLT06WMvslvNNgMcNxpejPM+A="}};
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (h) => new Uint8Array((h.match(/../g) || []).map((x) => parseInt(x, 16)));
const text = (s) => new TextEncoder().encode(s);
const der = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const b64url = (u8) => btoa(String.fromCharCode(...u8)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const subtle = crypto.subtle;
const RFC8032 = [
  ["9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
   "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
   "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"],
  ["4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
   "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
   "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"],
  ["c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
   "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
   "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"],
];
async function main() {
  for (const [seed, pub, msg, expected] of RFC8032) {
    const priv = await subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", d: b64url(bytes(seed)), x: b64url(bytes(pub)) }, "Ed25519", false, ["sign"]);
    const signature = await subtle.sign("Ed25519", priv, bytes(msg));
    const key = await subtle.importKey("raw", bytes(pub), { name: "Ed25519" }, true, ["verify"]);
    const tampered = new Uint8Array(signature.slice(0));
    tampered[0] ^= 1;
    console.log("Ed25519", hex(signature) === expected, await subtle.verify("Ed25519", key, bytes(expected), bytes(msg)),
      await subtle.verify("Ed25519", key, tampered, bytes(msg)), await subtle.verify("Ed25519", key, bytes(expected), text("other")));
  }
  const data = text("the message");
  // RSA: the private key as JWK and as PKCS#8, the public one as JWK and SPKI.
  const rsa = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const rsaJwk = await subtle.importKey("jwk", KEYS.rsa.jwk, rsa, true, ["sign"]);
  const rsaPkcs8 = await subtle.importKey("pkcs8", der(KEYS.rsa.pkcs8), rsa, false, ["sign"]);
  const { d, p, q, dp, dq, qi, ...rsaPublic } = KEYS.rsa.jwk;
  const rsaSpki = await subtle.importKey("spki", der(KEYS.rsa.spki), rsa, true, ["verify"]);
  const rsaPub = await subtle.importKey("jwk", rsaPublic, rsa, true, ["verify"]);
  const s1 = await subtle.sign("RSASSA-PKCS1-v1_5", rsaJwk, data);
  const s2 = await subtle.sign("RSASSA-PKCS1-v1_5", rsaPkcs8, data);
  console.log("RS256", s1.byteLength, hex(s1), hex(s1) === hex(s2));
  console.log("RS256 verify", await subtle.verify(rsa, rsaSpki, s1, data), await subtle.verify(rsa, rsaPub, s2, data), await subtle.verify(rsa, rsaPub, s1, text("x")));
  console.log(rsaSpki.type, rsaSpki.algorithm.name, rsaSpki.algorithm.hash.name, rsaSpki.algorithm.modulusLength, hex(rsaSpki.algorithm.publicExponent));
  const exported = await subtle.exportKey("jwk", rsaSpki);
  console.log("RSA jwk", exported.kty, exported.n === KEYS.rsa.jwk.n, exported.e);
  const pss = { name: "RSA-PSS", hash: "SHA-256" };
  const pssPriv = await subtle.importKey("pkcs8", der(KEYS.rsa.pkcs8), pss, false, ["sign"]);
  const pssPub = await subtle.importKey("spki", der(KEYS.rsa.spki), pss, false, ["verify"]);
  const ps = await subtle.sign({ name: "RSA-PSS", saltLength: 32 }, pssPriv, data);
  console.log("PS256", ps.byteLength, await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pssPub, ps, data),
    await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pssPub, ps, text("x")),
    await subtle.verify({ name: "RSA-PSS", saltLength: 32 }, pssPub, s1, data));
  // ECDSA P-256: r || s signatures, 64 bytes.
  const ec = { name: "ECDSA", namedCurve: "P-256" };
  const es = { name: "ECDSA", hash: "SHA-256" };
  const ecJwk = await subtle.importKey("jwk", KEYS.ec.jwk, ec, true, ["sign"]);
  const ecPkcs8 = await subtle.importKey("pkcs8", der(KEYS.ec.pkcs8), ec, true, ["sign"]);
  const ecSpki = await subtle.importKey("spki", der(KEYS.ec.spki), ec, true, ["verify"]);
  const raw = await subtle.exportKey("raw", ecSpki);
  const ecRaw = await subtle.importKey("raw", raw, ec, true, ["verify"]);
  const e1 = await subtle.sign(es, ecJwk, data);
  const e2 = await subtle.sign(es, ecPkcs8, data);
  console.log("ES256", e1.byteLength, raw.byteLength, await subtle.verify(es, ecSpki, e1, data), await subtle.verify(es, ecRaw, e2, data),
    await subtle.verify(es, ecRaw, e2, text("x")), await subtle.verify(es, ecRaw, new Uint8Array(63), data));
  const ecExport = await subtle.exportKey("jwk", ecJwk);
  console.log("EC jwk", ecExport.kty, ecExport.crv, ecExport.x === KEYS.ec.jwk.x, ecExport.y === KEYS.ec.jwk.y, ecExport.d === KEYS.ec.jwk.d, ecJwk.algorithm.namedCurve);
  console.log("EC spki", hex(await subtle.exportKey("spki", ecSpki)) === hex(der(KEYS.ec.spki)));
  // Ed25519: PKCS#8 and SPKI from node.
  const edPkcs8 = await subtle.importKey("pkcs8", der(KEYS.ed.pkcs8), "Ed25519", false, ["sign"]);
  const edSpki = await subtle.importKey("spki", der(KEYS.ed.spki), "Ed25519", true, ["verify"]);
  const edJwk = await subtle.importKey("jwk", KEYS.ed.jwk, "Ed25519", false, ["sign"]);
  const ed1 = await subtle.sign("Ed25519", edPkcs8, data);
  console.log("EdDSA", hex(ed1) === hex(await subtle.sign("Ed25519", edJwk, data)), await subtle.verify("Ed25519", edSpki, ed1, data));
  console.log("Ed spki", hex(await subtle.exportKey("spki", edSpki)) === hex(der(KEYS.ed.spki)), (await subtle.exportKey("jwk", edSpki)).x === KEYS.ed.jwk.x);
  // Keys made here.
  const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const g = await subtle.sign(es, pair.privateKey, data);
  console.log("generated", pair.publicKey.type, pair.privateKey.type, pair.publicKey.usages.join(), pair.privateKey.usages.join(), await subtle.verify(es, pair.publicKey, g, data));
  const edPair = await subtle.generateKey("Ed25519", true, ["sign", "verify"]);
  console.log("generated", (await subtle.exportKey("raw", edPair.publicKey)).byteLength, await subtle.verify("Ed25519", edPair.publicKey, await subtle.sign("Ed25519", edPair.privateKey, data), data));
  const hmac = await subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, true, ["sign"]);
  console.log("generated", hmac.algorithm.length, (await subtle.exportKey("jwk", hmac)).alg, (await subtle.exportKey("raw", hmac)).byteLength);
  // What does not fit.
  const name = (p) => p.then(() => "no error", (e) => e.name);
  console.log(await name(subtle.importKey("jwk", KEYS.ec.jwk, { name: "ECDSA", namedCurve: "P-384" }, false, ["sign"])),
    await name(subtle.importKey("jwk", KEYS.ec.jwk, rsa, false, ["sign"])),
    await name(subtle.importKey("spki", der(KEYS.ed.spki), ec, false, ["verify"])),
    await name(subtle.importKey("spki", der(KEYS.ec.spki), ec, false, ["sign"])),
    await name(subtle.importKey("pkcs8", der(KEYS.ec.pkcs8), ec, false, ["verify"])),
    await name(subtle.sign(es, ecSpki, data)),
    await name(subtle.sign("Ed25519", ecJwk, data)),
    await name(subtle.importKey("raw", new Uint8Array(31), "Ed25519", false, ["verify"])),
    await name(subtle.importKey("jwk", { ...KEYS.ed.jwk, ext: false }, "Ed25519", true, ["sign"])));
  console.log(typeof CryptoKey, rsaJwk instanceof CryptoKey, Object.prototype.toString.call(edSpki));
}
main();
// expect: Ed25519 true true false false
// expect: Ed25519 true true false false
// expect: Ed25519 true true false false
// expect: RS256 256 478db3be53f0ed3e4fdb7f9d082a175dcac370287f7c62f667ebfb105d20f95fb5e43502da466bef738abe8da0b63b74badaa1806bc1d00329bf192801303d58e5e485880a2cc8417e090480bb37d9ad86f8533c352b5795eda977cef52fb5c57e58c0876d7365e1d5eb732be53b200ae4ae74edfc71076d8350fb3f3b3c0d59b0ad4363ce2a5550404ed84aacbed285336a43fd4fd0b51318a6a067f583dfac1c10baa2bbbb444f271089a1e54d5b702a4d82f719ea494b3f97f93159d6d8a87d9bfae0b6302a9e1d8f14c4df03139fce8770bbcf2863f5d8bba0603995c0695abdc9f72892f6c8fc63eb66a7b8b83a23a558e3971c07893c3662c90f4de50a true
// expect: RS256 verify true true false
// expect: public RSASSA-PKCS1-v1_5 SHA-256 2048 010001
// expect: RSA jwk RSA true AQAB
// expect: PS256 256 true false false
// expect: ES256 64 65 true true false false
// expect: EC jwk EC P-256 true true true P-256
// expect: EC spki true
// expect: EdDSA true true
// expect: Ed spki true true
// expect: generated public private verify sign true
// expect: generated 32 true
// expect: generated 1024 HS512 128
// expect: DataError DataError DataError SyntaxError SyntaxError InvalidAccessError InvalidAccessError DataError DataError
// expect: function true [object CryptoKey]
