// jose (JWT, JWS and JWK on the Web Cryptography API) as a handler uses it:
// tokens node signed with jose (NODE_TOKENS, made from KEYS, keys node's
// crypto made) verified here with public JWKs, a local JWK set and PEM
// keys; tokens signed here (HS256, RS256 and EdDSA are deterministic, so
// they must equal node's byte for byte; ES256 and PS256 are verified back);
// and the errors of a tampered, expired, foreign or unknown token.
import * as jose from "jose";

const KEYS = {"rsa": {"jwk": {"kty": "RSA", "n": "vBSPXZDr4G1gUr0fK0JehzCTvEkqdKqGvOQRrNyJNvYjyzABSe3w4Upnf_8aS0NANHJrJyM2c0SyqAM3yLu2DZkTD88JqKucS4G47MUueSzr-EyAgsp7KcA4y64SqJmot_CRtpyc1FwfkGiYn6E8Vg9VIag0tzL4UCjzf8bY5xdjqIxjWx9BQU4mCmbL9UZyuWN-Cm6W9R9PY_AbEugyEdHbQgdSUHbGA7-WMYvY2LRrj_qxGlwiqAWR4Paz3ICUoWSBNxPhNea16kbT4cuof0Ao9LrwiBe-TpZGQ8DhqMKdsmIQyNKbgz6liwi7gapT935PB80QxXHuHpl1WL1JqQ", "e": "AQAB", "d": "BmiYmk_SlbmsXKKzPJpc6wmBndq2tAsjya0SGXGEnxHj1ivQfhgkiyH--lUd1ymCDHdx8BS1VC1SUsK_TxtES1zR_InUXVdcR-oHkXvGMbH76As_8r-a_ZPI66RxYCYnjKhJaBnt3GziKh3CRj2BzI3mW537Y9r8VouQASSBpggZN30sA1vp_qTrlYGu-Y5o-ti4MQVeOvlaDef-QJ8AmTNxlKWaavs6zzy1gO1HGWPNkqQ8KCvM0SpUus4yg2c0KDVPqAhV6lbS8FFB9XK8MupJ5xjIdykzYAjNO_-UauNwaH2Mbhj5zVeKz2ZeFo2TKLXLkveDAdCCBfj_ntod7Q", "p": "8hktLKbebE0FbZF0-gDQJtqG09xXzpPjttj9yoZOfyx91HakQ3VsYdQY80m_tzPkihYQmHppLLwTa-gILwPn0llm-4CRFt1D-X9oNrw__ZS1WKdcI-GW6SB7XEH6D4-Rh38FPwYaX-NUveYc7hLpzGcD1hRjRUPG9syZswlmfEU", "q": "xuFSy01hzEhfWtlOi_MPt-YK1N_2-sg1Qj8u8NwXyW_66N9ooTZQqSoxoOSrfBqdk8uKc9TZxRlCZgpTvOcmcllmbHF4VeP2XMqvlHVNkslRN_MbxCn3ZQuKQ-q8e-5j56yvXAmdsh26wFustEmx-YMgzRrDV1HrLtPHOyDuOBU", "dp": "yqGB6v6b6d-pbGSzmNB3aB29fbPOFow3qwIBobI6Hz1Y8CyBHik5FsSUQYT3ntojLeR77XN_dj7Qrp9dwiQtsyS7CkQ4q_90dm5KBo4XrSH7iwFBIJMfYW6bccOTDdUnhFYvSOnNx3YZpnvkuOtBnqCWWGdmE0JAVK848d4rVlU", "dq": "PWJmr6FewjLEW8Ie4EtRWq2CQlouXRFWfvAJiQYlwWLyytXJ8ZhWJSCE2Og7lb6RTIDSZxYXcSJuwBgH6JJf54N4fZg4UCpgbBuTPftGyjug-efrdgyN834wWu4k5wuZgnRmW74MEmHitmSVVcA5Uo4KncPY7ya1tGphX_q2DFE", "qi": "kUPAFShW6lGwkoo80YMJCirTnlBXVMGPkdauUieCzaXfrmP_bAzlwjfPrSXz2KjVfG-HYXSoeUzpriEThix37GafzUfwanmTjwj76lFHm_uPpSRRnegSJzN4vuA1cePDERwz38-CWUzqL0ejWT7FeK9gd00AC25_BiEaKO9k78o"}, "pkcs8": "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC8FI9dkOvgbWBSvR8rQl6HMJO8SSp0qoa85BGs3Ik29iPLMAFJ7fDhSmd//xpLQ0A0cmsnIzZzRLKoAzfIu7YNmRMPzwmoq5xLgbjsxS55LOv4TICCynspwDjLrhKomai38JG2nJzUXB+QaJifoTxWD1UhqDS3MvhQKPN/xtjnF2OojGNbH0FBTiYKZsv1RnK5Y34Kbpb1H09j8BsS6DIR0dtCB1JQdsYDv5Yxi9jYtGuP+rEaXCKoBZHg9rPcgJShZIE3E+E15rXqRtPhy6h/QCj0uvCIF75OlkZDwOGowp2yYhDI0puDPqWLCLuBqlP3fk8HzRDFce4emXVYvUmpAgMBAAECggEABmiYmk/SlbmsXKKzPJpc6wmBndq2tAsjya0SGXGEnxHj1ivQfhgkiyH++lUd1ymCDHdx8BS1VC1SUsK/TxtES1zR/InUXVdcR+oHkXvGMbH76As/8r+a/ZPI66RxYCYnjKhJaBnt3GziKh3CRj2BzI3mW537Y9r8VouQASSBpggZN30sA1vp/qTrlYGu+Y5o+ti4MQVeOvlaDef+QJ8AmTNxlKWaavs6zzy1gO1HGWPNkqQ8KCvM0SpUus4yg2c0KDVPqAhV6lbS8FFB9XK8MupJ5xjIdykzYAjNO/+UauNwaH2Mbhj5zVeKz2ZeFo2TKLXLkveDAdCCBfj/ntod7QKBgQDyGS0spt5sTQVtkXT6ANAm2obT3FfOk+O22P3Khk5/LH3UdqRDdWxh1BjzSb+3M+SKFhCYemksvBNr6AgvA+fSWWb7gJEW3UP5f2g2vD/9lLVYp1wj4ZbpIHtcQfoPj5GHfwU/Bhpf41S95hzuEunMZwPWFGNFQ8b2zJmzCWZ8RQKBgQDG4VLLTWHMSF9a2U6L8w+35grU3/b6yDVCPy7w3BfJb/ro32ihNlCpKjGg5Kt8Gp2Ty4pz1NnFGUJmClO85yZyWWZscXhV4/Zcyq+UdU2SyVE38xvEKfdlC4pD6rx77mPnrK9cCZ2yHbrAW6y0SbH5gyDNGsNXUesu08c7IO44FQKBgQDKoYHq/pvp36lsZLOY0HdoHb19s84WjDerAgGhsjofPVjwLIEeKTkWxJRBhPee2iMt5Hvtc392PtCun13CJC2zJLsKRDir/3R2bkoGjhetIfuLAUEgkx9hbptxw5MN1SeEVi9I6c3Hdhmme+S460GeoJZYZ2YTQkBUrzjx3itWVQKBgD1iZq+hXsIyxFvCHuBLUVqtgkJaLl0RVn7wCYkGJcFi8srVyfGYViUghNjoO5W+kUyA0mcWF3EibsAYB+iSX+eDeH2YOFAqYGwbkz37Rso7oPnn63YMjfN+MFruJOcLmYJ0Zlu+DBJh4rZklVXAOVKOCp3D2O8mtbRqYV/6tgxRAoGBAJFDwBUoVupRsJKKPNGDCQoq055QV1TBj5HWrlIngs2l365j/2wM5cI3z60l89io1Xxvh2F0qHlM6a4hE4Ysd+xmn81H8Gp5k48I++pRR5v7j6UkUZ3oEiczeL7gNXHjwxEcM9/PgllM6i9Ho1k+xXivYHdNAAtufwYhGijvZO/K", "spki": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvBSPXZDr4G1gUr0fK0JehzCTvEkqdKqGvOQRrNyJNvYjyzABSe3w4Upnf/8aS0NANHJrJyM2c0SyqAM3yLu2DZkTD88JqKucS4G47MUueSzr+EyAgsp7KcA4y64SqJmot/CRtpyc1FwfkGiYn6E8Vg9VIag0tzL4UCjzf8bY5xdjqIxjWx9BQU4mCmbL9UZyuWN+Cm6W9R9PY/AbEugyEdHbQgdSUHbGA7+WMYvY2LRrj/qxGlwiqAWR4Paz3ICUoWSBNxPhNea16kbT4cuof0Ao9LrwiBe+TpZGQ8DhqMKdsmIQyNKbgz6liwi7gapT935PB80QxXHuHpl1WL1JqQIDAQAB"}, "ec": {"jwk": {"kty": "EC", "x": "C3tOJRNbq6mkVAZnNgT9uuO5argq3CGzhYQ6cy46-Ok", "y": "RUmRRGAdqukEzaEqWFT773FVl1wGy9q_wzKOrrz0nWg", "crv": "P-256", "d": "a63m20sAp2VcTcLf6O399gI262W4SAoBpZVMKO13Okk"}, "pkcs8": "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQga63m20sAp2VcTcLf6O399gI262W4SAoBpZVMKO13OkmhRANCAAQLe04lE1urqaRUBmc2BP2647lquCrcIbOFhDpzLjr46UVJkURgHarpBM2hKlhU++9xVZdcBsvav8Myjq689J1o", "spki": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC3tOJRNbq6mkVAZnNgT9uuO5argq3CGzhYQ6cy46+OlFSZFEYB2q6QTNoSpYVPvvcVWXXAbL2r/DMo6uvPSdaA=="}, "ed": {"jwk": {"crv": "Ed25519", "d": "xwqH05bsqGa7v2ZTxANDvQZePJ7CSjQOSex9wuz8QNg", "x": "MQlZ0HNlBWtPN23vKOdLT06WMvslvNNgMcNxpejPM-A", "kty": "OKP"}, "pkcs8": "MC4CAQAwBQYDK2VwBCIEIMcKh9OW7Khmu79mU8QDQ70GXjyewko0DknsfcLs/EDY", "spki": "MCowBQYDK2VwAyEAMQlZ0HNlBWtPN23vKOdLT06WMvslvNNgMcNxpejPM+A="}};
const PUBLIC = {"rsa": {"kty": "RSA", "n": "vBSPXZDr4G1gUr0fK0JehzCTvEkqdKqGvOQRrNyJNvYjyzABSe3w4Upnf_8aS0NANHJrJyM2c0SyqAM3yLu2DZkTD88JqKucS4G47MUueSzr-EyAgsp7KcA4y64SqJmot_CRtpyc1FwfkGiYn6E8Vg9VIag0tzL4UCjzf8bY5xdjqIxjWx9BQU4mCmbL9UZyuWN-Cm6W9R9PY_AbEugyEdHbQgdSUHbGA7-WMYvY2LRrj_qxGlwiqAWR4Paz3ICUoWSBNxPhNea16kbT4cuof0Ao9LrwiBe-TpZGQ8DhqMKdsmIQyNKbgz6liwi7gapT935PB80QxXHuHpl1WL1JqQ", "e": "AQAB"}, "ec": {"kty": "EC", "x": "C3tOJRNbq6mkVAZnNgT9uuO5argq3CGzhYQ6cy46-Ok", "y": "RUmRRGAdqukEzaEqWFT773FVl1wGy9q_wzKOrrz0nWg", "crv": "P-256"}, "ed": {"crv": "Ed25519", "x": "MQlZ0HNlBWtPN23vKOdLT06WMvslvNNgMcNxpejPM-A", "kty": "OKP"}};
const NODE_TOKENS = {"ES256": "eyJhbGciOiJFUzI1NiIsImtpZCI6ImVzMjU2In0.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.lTlvGPtXISvoS6yMIilBzRaf8usL47DL0Fr-N6xquUO4qNgGVCz15jZDsWoDVGMi0dB6D_e-S384Ya-mHqIeCQ", "PS256": "eyJhbGciOiJQUzI1NiIsImtpZCI6InBzMjU2In0.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.RSG2JsWFnPbh2pvEOUh-p00hN6Fzo88Ia9FC14KZiTrqLkAvQC0-ctNAjndLKgmuBx5I8XURCpcXdI26XupgRJw1kOXmcP0xInsjzvUQThygHsq9PTPKVHI8yaOVT2lcds5qxiIoItZVWS2_nUZnA02_NDLXuBCLrvh7D2OwrvzdYbhOPCXd8LoTupqmqz9bxktnCeFKABYkd43B6U1RSLTr90WM-puT1GiHcGNiuRhyNfkeOrbBHOdYh7gbnbYdWgnIIg2s51dFbkDlLOBQ_7FDAts-CyLChe6wusT5h7wk0q90H4nnlWWKdooQnlNTBNDHWaOUawdbsaO8LjGt4A", "RS256": "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzMjU2In0.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.kWzFfqAX2GOcAzV811bc4gf5W4datuMpneNjK3GQm-kyfbMjnjkTzHho1z6-yuChz9n7s76XwHusj2KBMUqNXLUJ4iuFUKaMrI_i6sJJvZJAxQPpI9997T8fJw_rgplKtmmQjH52KccMG7IbIKzoa0CrvSIl3aUMpLcJUin_uEA8r_8VOmNKRB_fcJqDXkbnM-Do9WAorMV4niV60BviUlUKZOuWQQhfMeLIRJHgGipu8fT-GzGzRGbq_asAwqH_wOOONlt3CBzfJ7zRp8WLNO0DmtgI1yGykTwiIogybXvqaKqVSkmKvxtE3KOEsu0jZ4kqVplrUQywBZUEgzDDzQ", "EdDSA": "eyJhbGciOiJFZERTQSIsImtpZCI6ImVkZHNhIn0.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.S9ndqqdJh2OmrrQpuUpT1r4FBmYQoxj6hF2RuYCs82wYZI9J-n_JjWg5aEDrQAKcPm0MfoX5lakDmusUWx39Cw", "HS256": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.OT2s_SKjgpADYUCejSB79sdvvaF2y4stxKpYtYR3MX0"};
const SECRET = new TextEncoder().encode("a-string-secret-at-least-256-bits-long");
const NOW = new Date(1800000000 * 1000);
const pem = (label, b64) => `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g).join("\n")}\n-----END ${label}-----\n`;
const claims = (p) => `${p.sub} ${p.role} ${p.iss} ${p.aud} ${p.exp}`;

async function main() {
  const opts = { issuer: "https://issuer.example", audience: "kitwork", currentDate: NOW };
  const publicKey = { ES256: PUBLIC.ec, PS256: PUBLIC.rsa, RS256: PUBLIC.rsa, EdDSA: PUBLIC.ed };
  for (const alg of ["ES256", "PS256", "RS256", "EdDSA"]) {
    const key = await jose.importJWK(publicKey[alg], alg);
    const { payload, protectedHeader } = await jose.jwtVerify(NODE_TOKENS[alg], key, opts);
    console.log("node's", alg, protectedHeader.kid, claims(payload));
  }
  const { payload } = await jose.jwtVerify(NODE_TOKENS.HS256, SECRET, opts);
  console.log("node's HS256", claims(payload));

  const jwks = jose.createLocalJWKSet({ keys: [
    { ...PUBLIC.ec, kid: "es256", alg: "ES256" },
    { ...PUBLIC.rsa, kid: "ps256", alg: "PS256" },
    { ...PUBLIC.ed, kid: "eddsa", alg: "EdDSA" },
  ] });
  for (const alg of ["ES256", "PS256", "EdDSA"]) {
    const r = await jose.jwtVerify(NODE_TOKENS[alg], jwks, opts);
    console.log("jwks", alg, r.payload.sub);
  }

  const spki = await jose.importSPKI(pem("PUBLIC KEY", KEYS.rsa.spki), "RS256");
  const pkcs8 = await jose.importPKCS8(pem("PRIVATE KEY", KEYS.rsa.pkcs8), "RS256");
  const edPkcs8 = await jose.importPKCS8(pem("PRIVATE KEY", KEYS.ed.pkcs8), "EdDSA");
  const ecPkcs8 = await jose.importPKCS8(pem("PRIVATE KEY", KEYS.ec.pkcs8), "ES256");
  const claimsSet = { sub: "user-7", role: "reader", iat: 1767225600, exp: 1924992000, iss: "https://issuer.example", aud: "kitwork" };
  const signWith = (alg, key) => new jose.SignJWT(claimsSet).setProtectedHeader({ alg }).sign(key);
  console.log("HS256", await signWith("HS256", SECRET));
  const rs = await signWith("RS256", pkcs8);
  console.log("RS256", rs);
  console.log("RS256 back", (await jose.jwtVerify(rs, spki, opts)).payload.sub);
  console.log("EdDSA", await signWith("EdDSA", edPkcs8));
  const es = await signWith("ES256", ecPkcs8);
  console.log("ES256 back", es.split(".")[2].length, (await jose.jwtVerify(es, await jose.importJWK(PUBLIC.ec, "ES256"), opts)).payload.role);
  const ps = await signWith("PS256", await jose.importJWK(KEYS.rsa.jwk, "PS256"));
  console.log("PS256 back", (await jose.jwtVerify(ps, await jose.importJWK(PUBLIC.rsa, "PS256"), opts)).payload.role);

  const code = (p) => p.then(() => "verified", (e) => e.code || e.name);
  const [h, b, s] = NODE_TOKENS.ES256.split(".");
  const forged = [h, jose.base64url.encode(JSON.stringify({ ...claimsSet, role: "admin" })), s].join(".");
  const ec = await jose.importJWK(PUBLIC.ec, "ES256");
  console.log("forged", await code(jose.jwtVerify(forged, ec, opts)));
  console.log("expired", await code(jose.jwtVerify(NODE_TOKENS.ES256, ec, { ...opts, currentDate: new Date(2000000000 * 1000) })));
  console.log("audience", await code(jose.jwtVerify(NODE_TOKENS.ES256, ec, { ...opts, audience: "someone-else" })));
  console.log("other key", await code(jose.jwtVerify(NODE_TOKENS.RS256, await jose.importJWK(PUBLIC.rsa, "PS256"), opts)));
  console.log("wrong secret", await code(jose.jwtVerify(NODE_TOKENS.HS256, new TextEncoder().encode("x".repeat(32)), opts)));
  console.log("no such kid", await code(jose.jwtVerify(NODE_TOKENS.RS256, jwks, opts)));
  console.log("not a token", await code(jose.jwtVerify("abc.def", ec, opts)));
  console.log("decoded", jose.decodeJwt(NODE_TOKENS.EdDSA).sub, jose.decodeProtectedHeader(NODE_TOKENS.EdDSA).alg);
}
main().catch((e) => console.log("failed:", e && e.message));
