(() => {
  var __defProp = Object.defineProperty;
  var __export = (target, all) => {
    for (var name in all)
      __defProp(target, name, { get: all[name], enumerable: true });
  };

  // node_modules/jose/dist/webapi/lib/buffer_utils.js
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var strictDecoder = new TextDecoder("utf-8", { fatal: true });
  var UINT32_RANGE = 2 ** 32;
  function concat(...buffers) {
    const size = buffers.reduce((acc, { length }) => acc + length, 0), buf = new Uint8Array(size);
    let i = 0;
    for (const buffer of buffers)
      buf.set(buffer, i), i += buffer.length;
    return buf;
  }
  var NON_ASCII = /[^\x00-\x7f]/;
  function encode(string) {
    if (typeof string == "string" && string.length >= 128) {
      if (NON_ASCII.test(string))
        throw new TypeError("non-ASCII string encountered in encode()");
      return encoder.encode(string);
    }
    const bytes = new Uint8Array(string.length);
    for (let i = 0; i < string.length; i++) {
      const code = string.charCodeAt(i);
      if (code > 127)
        throw new TypeError("non-ASCII string encountered in encode()");
      bytes[i] = code;
    }
    return bytes;
  }
  function encodeBase64(input, url = false) {
    if (Uint8Array.prototype.toBase64)
      return input.toBase64({ alphabet: url ? "base64url" : "base64", omitPadding: url });
    const CHUNK_SIZE = 32768, arr = [];
    for (let i = 0; i < input.length; i += CHUNK_SIZE)
      arr.push(String.fromCharCode.apply(null, input.subarray(i, i + CHUNK_SIZE)));
    const encoded = btoa(arr.join(""));
    return url ? encoded.replace(/=/g, "").replace(/\+/g, "-").replace(/\//g, "_") : encoded;
  }
  function decodeBase64(encoded, url = false) {
    if (Uint8Array.fromBase64)
      return Uint8Array.fromBase64(encoded, { alphabet: url ? "base64url" : "base64" });
    if (url) {
      if (encoded.includes("+") || encoded.includes("/"))
        throw new TypeError("Invalid base64url");
      encoded = encoded.replace(/-/g, "+").replace(/_/g, "/");
    }
    const binary = atob(encoded), bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++)
      bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  // node_modules/jose/dist/webapi/util/errors.js
  var JOSEError = class extends Error {
    static code = "ERR_JOSE_GENERIC";
    code = "ERR_JOSE_GENERIC";
    constructor(message2, options) {
      super(message2, options), this.name = this.constructor.name, Error.captureStackTrace?.(this, this.constructor);
    }
  };
  var JWTClaimValidationFailed = class extends JOSEError {
    static code = "ERR_JWT_CLAIM_VALIDATION_FAILED";
    code = "ERR_JWT_CLAIM_VALIDATION_FAILED";
    claim;
    reason;
    payload;
    constructor(message2, payload, claim = "unspecified", reason = "unspecified") {
      super(message2, { cause: { claim, reason, payload } }), this.claim = claim, this.reason = reason, this.payload = payload;
    }
  };
  var JWTExpired = class extends JOSEError {
    static code = "ERR_JWT_EXPIRED";
    code = "ERR_JWT_EXPIRED";
    claim;
    reason;
    payload;
    constructor(message2, payload, claim = "unspecified", reason = "unspecified") {
      super(message2, { cause: { claim, reason, payload } }), this.claim = claim, this.reason = reason, this.payload = payload;
    }
  };
  var JOSEAlgNotAllowed = class extends JOSEError {
    static code = "ERR_JOSE_ALG_NOT_ALLOWED";
    code = "ERR_JOSE_ALG_NOT_ALLOWED";
  };
  var JOSENotSupported = class extends JOSEError {
    static code = "ERR_JOSE_NOT_SUPPORTED";
    code = "ERR_JOSE_NOT_SUPPORTED";
  };
  var JWSInvalid = class extends JOSEError {
    static code = "ERR_JWS_INVALID";
    code = "ERR_JWS_INVALID";
  };
  var JWTInvalid = class extends JOSEError {
    static code = "ERR_JWT_INVALID";
    code = "ERR_JWT_INVALID";
  };
  var JWKSInvalid = class extends JOSEError {
    static code = "ERR_JWKS_INVALID";
    code = "ERR_JWKS_INVALID";
  };
  var JWKSNoMatchingKey = class extends JOSEError {
    static code = "ERR_JWKS_NO_MATCHING_KEY";
    code = "ERR_JWKS_NO_MATCHING_KEY";
    constructor(message2 = "no applicable key found in the JSON Web Key Set", options) {
      super(message2, options);
    }
  };
  var JWKSMultipleMatchingKeys = class extends JOSEError {
    [Symbol.asyncIterator] = async function* () {
    };
    static code = "ERR_JWKS_MULTIPLE_MATCHING_KEYS";
    code = "ERR_JWKS_MULTIPLE_MATCHING_KEYS";
    constructor(message2 = "multiple matching keys found in the JSON Web Key Set", options) {
      super(message2, options);
    }
  };
  var JWSSignatureVerificationFailed = class extends JOSEError {
    static code = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED";
    code = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED";
    constructor(message2 = "signature verification failed", options) {
      super(message2, options);
    }
  };

  // node_modules/jose/dist/webapi/util/base64url.js
  var base64url_exports = {};
  __export(base64url_exports, {
    decode: () => decode,
    encode: () => encode2
  });
  var invalid = "The input to be decoded is not correctly encoded.";
  function decode(input) {
    try {
      return decodeBase64(typeof input == "string" ? input : decoder.decode(input), true);
    } catch (cause) {
      throw new TypeError(invalid, { cause });
    }
  }
  function encode2(input) {
    return encodeBase64(typeof input == "string" ? encoder.encode(input) : input, true);
  }

  // node_modules/jose/dist/webapi/lib/validate.js
  function isObject(input) {
    if (typeof input != "object" || input === null || Object.prototype.toString.call(input) !== "[object Object]")
      return false;
    const prototype = Object.getPrototypeOf(input);
    return prototype === null || Object.getPrototypeOf(prototype) === null;
  }
  function isJwkSet(input) {
    return isObject(input) && Array.isArray(input.keys) && Array.from(input.keys).every(isObject);
  }
  function isDisjoint(...headers) {
    const parameters = /* @__PURE__ */ new Set();
    for (const header of headers)
      if (header)
        for (const parameter of Object.keys(header)) {
          if (parameters.has(parameter))
            return false;
          parameters.add(parameter);
        }
    return true;
  }
  function assertNotSet(value, name) {
    if (value !== void 0)
      throw new TypeError(`${name} can only be called once`);
  }
  function decodeBase64url(value, label, ErrorClass) {
    try {
      return decode(value);
    } catch (cause) {
      throw new ErrorClass(`Failed to base64url decode the ${label}`, { cause });
    }
  }
  function encodeAsciiMember(value, label, ErrorClass) {
    try {
      return encode(value);
    } catch (cause) {
      throw new ErrorClass(`The ${label} is not a valid base64url string`, { cause });
    }
  }
  function parseJoseHeader(encodedProtectedHeader, ErrorClass, message2) {
    let parsed;
    try {
      parsed = JSON.parse(strictDecoder.decode(decode(encodedProtectedHeader)));
    } catch (cause) {
      throw new ErrorClass(message2, { cause });
    }
    if (!isObject(parsed))
      throw new ErrorClass(message2);
    return parsed;
  }
  var JWS_RECOGNIZED = { __proto__: null, b64: true };
  function validateAlgorithms(option, algorithms) {
    if (algorithms !== void 0 && (!Array.isArray(algorithms) || algorithms.some((s) => typeof s != "string")))
      throw new TypeError(`"${option}" option must be an array of strings`);
    return algorithms === void 0 ? void 0 : new Set(algorithms);
  }
  function validateCritDuplicates(Err, protectedHeader) {
    const { crit } = protectedHeader ?? {};
    if (Array.isArray(crit) && new Set(crit).size !== crit.length)
      throw new Err('"crit" (Critical) Header Parameter MUST NOT contain duplicate values');
  }
  function validateCrit(Err, recognizedDefault, recognizedOption, protectedHeader, joseHeader) {
    if (joseHeader.crit !== void 0 && protectedHeader?.crit === void 0)
      throw new Err('"crit" (Critical) Header Parameter MUST be integrity protected');
    if (!protectedHeader || protectedHeader.crit === void 0)
      return [];
    if (!Array.isArray(protectedHeader.crit) || protectedHeader.crit.length === 0 || protectedHeader.crit.some((input) => typeof input != "string" || input.length === 0))
      throw new Err('"crit" (Critical) Header Parameter MUST be an array of non-empty strings when present');
    const recognized = recognizedOption === void 0 ? recognizedDefault : { __proto__: null, ...recognizedOption, ...recognizedDefault };
    for (const parameter of protectedHeader.crit) {
      if (!(parameter in recognized))
        throw new JOSENotSupported(`Extension Header Parameter "${parameter}" is not recognized`);
      if (!Object.hasOwn(joseHeader, parameter) || joseHeader[parameter] === void 0)
        throw new Err(`Extension Header Parameter "${parameter}" is missing`);
      if (recognized[parameter] && (!Object.hasOwn(protectedHeader, parameter) || protectedHeader[parameter] === void 0))
        throw new Err(`Extension Header Parameter "${parameter}" MUST be integrity protected`);
    }
    return protectedHeader.crit;
  }
  function validateB64(protectedHeader, extensions) {
    if (extensions.includes("b64")) {
      const b64 = protectedHeader.b64;
      if (typeof b64 != "boolean")
        throw new JWSInvalid('The "b64" (base64url-encode payload) Header Parameter must be a boolean');
      return b64;
    }
    return true;
  }
  function serializeJoseHeader(Err, header) {
    let serialized, parsed;
    try {
      serialized = JSON.stringify(header), parsed = JSON.parse(serialized);
    } catch (cause) {
      throw new Err("JOSE Header is not valid JSON", { cause });
    }
    if (!isObject(parsed))
      throw new Err("JOSE Header is not a JSON object");
    return [parsed, serialized];
  }

  // node_modules/jose/dist/webapi/lib/key.js
  var tag = (key) => key[Symbol.toStringTag];
  var jwkMatchesOp = (entry, key, usage) => {
    const { alg } = entry;
    if (key.use !== void 0) {
      const expected = usage === "sign" || usage === "verify" ? "sig" : "enc";
      if (key.use !== expected)
        throw new TypeError(`Invalid key for this operation, its "use" must be "${expected}" when present`);
    }
    if (key.kty === "AKP" && key.alg === void 0)
      throw new TypeError('missing "alg" (Algorithm) Parameter value');
    if (key.alg !== void 0 && key.alg !== alg)
      throw new TypeError(`Invalid key for this operation, its "alg" must be "${alg}" when present`);
    if (Array.isArray(key.key_ops)) {
      const expectedKeyOp = usage === "encrypt" || usage === "decrypt" ? entry.ops?.[usage === "encrypt" ? 0 : 1] : usage;
      if (expectedKeyOp && !key.key_ops.includes(expectedKeyOp))
        throw new TypeError(`Invalid key for this operation, its "key_ops" must include "${expectedKeyOp}" when present`);
    }
  };
  async function prepareKey(entry, key, usage) {
    const { alg, secret } = entry, requiresPrivateKey = usage === "decrypt" || usage === "sign";
    if (secret && key instanceof Uint8Array)
      return key;
    let normalized, keyObject;
    if (isObject(key)) {
      if (normalized = normalizeJwk(key), typeof normalized.kty != "string")
        throw invalidKeyType(alg, key, secret);
      if (!(secret ? normalized.kty === "oct" && typeof normalized.k == "string" : normalized.kty !== "oct" && (requiresPrivateKey ? normalized.kty === "AKP" && typeof normalized.priv == "string" || typeof normalized.d == "string" : normalized.d === void 0 && normalized.priv === void 0)))
        throw new TypeError(secret ? 'JSON Web Key for symmetric algorithms must have JWK "kty" (Key Type) equal to "oct" and the JWK "k" (Key Value) present' : `JSON Web Key for this operation must be a ${requiresPrivateKey ? "private" : "public"} JWK`);
      if (jwkMatchesOp(entry, normalized, usage), normalized.kty === "oct")
        return decode(normalized.k);
      if (!Object.isFrozen(key)) {
        const { key_ops } = key;
        Array.isArray(key_ops) && Object.freeze(key_ops), Object.freeze(key);
      }
    } else {
      if (!isKeyLike(key))
        throw invalidKeyType(alg, key, secret);
      const expectedType = secret ? "secret" : requiresPrivateKey ? "private" : "public";
      if (key.type !== expectedType && (secret || ["secret", "public", "private"].includes(key.type)))
        throw new TypeError(`${tag(key)} instances must be of type "${expectedType}" for the ${alg} algorithm`);
      if (isCryptoKey(key))
        return key;
      if (keyObject = key, keyObject.type === "secret")
        return keyObject.export();
    }
    cache ||= /* @__PURE__ */ new WeakMap();
    const cacheKey = key;
    let cached = cache.get(cacheKey);
    if (cached?.[alg])
      return cached[alg];
    if (cached || cache.set(cacheKey, cached = {}), keyObject && typeof keyObject.toCryptoKey == "function") {
      const isPublic = keyObject.type === "public", crv = nist[keyObject.asymmetricKeyDetails?.namedCurve], params = entry.resolve?.({ crv, asymmetricKeyType: keyObject.asymmetricKeyType }) ?? entry.subtle;
      return cached[alg] = keyObject.toCryptoKey(params, isPublic, entry.usages[isPublic ? 0 : 1]);
    }
    return normalized ??= keyObject.export({ format: "jwk" }), normalized.alg = alg, cached[alg] = await jwkToKey(entry, normalized);
  }
  var cache;
  var nist = {
    __proto__: null,
    prime256v1: "P-256",
    secp384r1: "P-384",
    secp521r1: "P-521"
  };
  var isCryptoKey = (key) => {
    if (key?.[Symbol.toStringTag] === "CryptoKey")
      return true;
    try {
      return key instanceof CryptoKey;
    } catch {
      return false;
    }
  };
  var isKeyObject = (key) => key?.[Symbol.toStringTag] === "KeyObject";
  var isKeyLike = (key) => isCryptoKey(key) || isKeyObject(key);
  function message(msg, actual, ...types) {
    if (types.length > 2) {
      const last = types.pop();
      msg += `one of type ${types.join(", ")}, or ${last}.`;
    } else types.length === 2 ? msg += `one of type ${types[0]} or ${types[1]}.` : msg += `of type ${types[0]}.`;
    return actual == null ? msg += ` Received ${actual}` : typeof actual == "function" && actual.name ? msg += ` Received function ${actual.name}` : typeof actual == "object" && actual != null && actual.constructor?.name && (msg += ` Received an instance of ${actual.constructor.name}`), msg;
  }
  function invalidKeyType(alg, actual, secret) {
    const types = ["CryptoKey", "KeyObject", "JSON Web Key"];
    return secret && types.push("Uint8Array"), new TypeError(message(`Key for the ${alg} algorithm must be `, actual, ...types));
  }
  var unusable = (name, prop = "algorithm.name") => new TypeError(`CryptoKey does not support this operation, its ${prop} must be ${name}`);
  function checkUsage(key, usage) {
    if (usage && !key.usages.includes(usage))
      throw new TypeError(`CryptoKey does not support this operation, its usages must include ${usage}.`);
  }
  function checkModulusLength(alg, key) {
    const { modulusLength } = key.algorithm;
    if (typeof modulusLength != "number" || modulusLength < 2048)
      throw new TypeError(`${alg} requires key modulusLength to be 2048 bits or larger`);
  }
  function checkCryptoKey(key, expected, usage) {
    const algorithm = key.algorithm;
    if (algorithm.name !== expected.name)
      throw unusable(expected.name);
    if (expected.hash && algorithm.hash?.name !== expected.hash)
      throw unusable(expected.hash, "algorithm.hash");
    if (expected.namedCurve && algorithm.namedCurve !== expected.namedCurve)
      throw unusable(expected.namedCurve, "algorithm.namedCurve");
    if (expected.length !== void 0 && algorithm.length !== expected.length)
      throw unusable(expected.length, "algorithm.length");
    checkUsage(key, usage);
  }
  function snapshotJwk(jwk) {
    return { __proto__: null, ...jwk };
  }
  function normalizeJwk(jwk) {
    const normalized = snapshotJwk(jwk);
    if (normalized.ext !== void 0 && typeof normalized.ext != "boolean")
      throw new TypeError('"ext" (Extractable) Parameter must be a boolean');
    if (normalized.key_ops !== void 0) {
      const value = normalized.key_ops, keyOps = Array.isArray(value) ? [...value] : void 0;
      if (!keyOps || keyOps.some((operation) => typeof operation != "string") || new Set(keyOps).size !== keyOps.length)
        throw new TypeError('"key_ops" (Key Operations) Parameter must be an array of unique strings');
      normalized.key_ops = keyOps;
    }
    return normalized;
  }
  function validateExtractableOption(extractable) {
    if (extractable !== void 0 && typeof extractable != "boolean")
      throw new TypeError('"extractable" option must be a boolean');
    return extractable;
  }
  async function jwkToKey(entry, jwk, extractable) {
    if (!entry.kty.includes(jwk.kty))
      throw new JOSENotSupported('Invalid or unsupported JWK "alg" (Algorithm) Parameter value');
    const algorithm = entry.resolve?.({ kty: jwk.kty, crv: jwk.crv }) ?? entry.subtle, isPrivate = !!(jwk.d || jwk.priv), keyData = { ...jwk, ext: extractable ?? jwk.ext };
    return keyData.kty !== "AKP" && delete keyData.alg, delete keyData.use, crypto.subtle.importKey("jwk", keyData, algorithm, keyData.ext ?? !isPrivate, jwk.key_ops ?? entry.usages[isPrivate ? 1 : 0]);
  }
  async function rawKey(key, expected, usage, extractable = false) {
    return key instanceof Uint8Array && (key = await crypto.subtle.importKey("raw", key, expected, extractable, [usage])), checkCryptoKey(key, expected, usage), key;
  }

  // node_modules/jose/dist/webapi/lib/key_descriptor.js
  function table(entries) {
    const out = { __proto__: null };
    for (const alg in entries)
      out[alg] = { ...entries[alg], alg };
    return out;
  }

  // node_modules/jose/dist/webapi/lib/jwe_algorithms.js
  var wrap = [
    ["encrypt", "wrapKey"],
    ["decrypt", "unwrapKey"]
  ];
  var derive = [[], ["deriveBits"]];
  var none = [[], []];
  function rsaes(bits) {
    return {
      kty: ["RSA"],
      mode: "key-encryption",
      subtle: { name: "RSA-OAEP", hash: `SHA-${bits}` },
      usages: wrap,
      ops: ["wrapKey", "unwrapKey"]
    };
  }
  function ecdh(mode) {
    return {
      kty: ["EC", "OKP"],
      mode,
      subtle: { name: "ECDH" },
      resolve: ({ kty, crv, asymmetricKeyType }) => {
        if (crv === "X25519" || asymmetricKeyType === "x25519")
          return { name: "X25519" };
        if (kty === "OKP")
          throw new JOSENotSupported('Invalid or unsupported JWK "alg" (Algorithm) Parameter value');
        return { name: "ECDH", namedCurve: crv };
      },
      usages: derive,
      ops: [void 0, "deriveBits"]
    };
  }
  function aeskw(bits, gcm = false) {
    return {
      kty: ["oct"],
      mode: "key-wrapping",
      secret: true,
      subtle: { name: gcm ? "AES-GCM" : "AES-KW", length: bits },
      usages: none,
      ops: gcm ? ["encrypt", "decrypt"] : ["wrapKey", "unwrapKey"]
    };
  }
  function pbes2() {
    return {
      kty: ["oct"],
      mode: "key-wrapping",
      secret: true,
      subtle: { name: "PBKDF2" },
      usages: none,
      ops: ["deriveBits", "deriveBits"]
    };
  }
  var JWE = table({
    dir: {
      kty: ["oct"],
      mode: "direct-encryption",
      secret: true,
      subtle: { name: "AES-GCM" },
      usages: none,
      ops: ["encrypt", "decrypt"]
    },
    "RSA-OAEP": rsaes(1),
    "RSA-OAEP-256": rsaes(256),
    "RSA-OAEP-384": rsaes(384),
    "RSA-OAEP-512": rsaes(512),
    "ECDH-ES": ecdh("direct-key-agreement"),
    "ECDH-ES+A128KW": ecdh("key-agreement-with-key-wrapping"),
    "ECDH-ES+A192KW": ecdh("key-agreement-with-key-wrapping"),
    "ECDH-ES+A256KW": ecdh("key-agreement-with-key-wrapping"),
    A128KW: aeskw(128),
    A192KW: aeskw(192),
    A256KW: aeskw(256),
    A128GCMKW: aeskw(128, true),
    A192GCMKW: aeskw(192, true),
    A256GCMKW: aeskw(256, true),
    "PBES2-HS256+A128KW": pbes2(),
    "PBES2-HS384+A192KW": pbes2(),
    "PBES2-HS512+A256KW": pbes2()
  });
  var contentOps = ["encrypt", "decrypt"];
  function contentEncryption(bits, cbc = false) {
    return {
      kty: ["oct"],
      secret: true,
      subtle: { name: cbc ? "AES-CBC" : "AES-GCM", length: bits },
      usages: none,
      ops: contentOps,
      cekBits: bits,
      ivBits: cbc ? 128 : 96,
      cbc
    };
  }
  var ENC = table({
    A128GCM: contentEncryption(128),
    A192GCM: contentEncryption(192),
    A256GCM: contentEncryption(256),
    "A128CBC-HS256": contentEncryption(256, true),
    "A192CBC-HS384": contentEncryption(384, true),
    "A256CBC-HS512": contentEncryption(512, true)
  });

  // node_modules/jose/dist/webapi/lib/jws_algorithms.js
  var sig = [["verify"], ["sign"]];
  function hmac(bits) {
    const subtle = { name: "HMAC", hash: `SHA-${bits}` };
    return { kty: ["oct"], secret: true, subtle, signing: subtle, usages: sig };
  }
  function rsa(bits, saltLength) {
    const subtle = { name: saltLength ? "RSA-PSS" : "RSASSA-PKCS1-v1_5", hash: `SHA-${bits}` };
    return {
      kty: ["RSA"],
      subtle,
      signing: saltLength ? { ...subtle, saltLength } : subtle,
      usages: sig,
      minRsaBits: 2048
    };
  }
  function ecdsa(crv, bits) {
    return {
      kty: ["EC"],
      crv,
      subtle: { name: "ECDSA", namedCurve: crv },
      signing: { name: "ECDSA", hash: `SHA-${bits}` },
      usages: sig
    };
  }
  function eddsa() {
    const subtle = { name: "Ed25519" };
    return {
      kty: ["OKP"],
      crv: "Ed25519",
      subtle,
      signing: subtle,
      usages: sig
    };
  }
  function mldsa(parameterSet) {
    const subtle = { name: `ML-DSA-${parameterSet}` };
    return {
      kty: ["AKP"],
      subtle,
      signing: subtle,
      usages: sig
    };
  }
  var JWS = table({
    HS256: hmac(256),
    HS384: hmac(384),
    HS512: hmac(512),
    RS256: rsa(256),
    RS384: rsa(384),
    RS512: rsa(512),
    PS256: rsa(256, 32),
    PS384: rsa(384, 48),
    PS512: rsa(512, 64),
    ES256: ecdsa("P-256", 256),
    ES384: ecdsa("P-384", 384),
    ES512: ecdsa("P-521", 512),
    EdDSA: eddsa(),
    Ed25519: eddsa(),
    "ML-DSA-44": mldsa(44),
    "ML-DSA-65": mldsa(65),
    "ML-DSA-87": mldsa(87)
  });
  function jwsAlgorithm(alg) {
    const entry = typeof alg == "string" ? JWS[alg] : void 0;
    if (!entry)
      throw new JOSENotSupported(`alg ${alg} is not supported either by JOSE or your javascript runtime`);
    return entry;
  }

  // node_modules/jose/dist/webapi/lib/jws_verify.js
  function prepareVerify(options) {
    return [options && validateAlgorithms("algorithms", options.algorithms), options?.crit];
  }
  function parseProtectedHeader(encodedProtectedHeader) {
    return encodedProtectedHeader === void 0 ? {} : parseJoseHeader(encodedProtectedHeader, JWSInvalid, "JWS Protected Header is invalid");
  }
  function encodeCompactUnencodedPayload(payload) {
    try {
      return encode(payload);
    } catch (cause) {
      throw new JWSInvalid("JWS Compact Serialization payload must use only ASCII characters", {
        cause
      });
    }
  }
  async function verifySignature(jws, shared, key, encodeUnencodedPayload, parsedProtected) {
    const { protected: encodedProtectedHeader, header, payload: inputPayload } = jws, protectedHeader = parsedProtected ?? parseProtectedHeader(encodedProtectedHeader);
    if (!isDisjoint(protectedHeader, header))
      throw new JWSInvalid("JWS Protected and JWS Unprotected Header Parameter names must be disjoint");
    const joseHeader = { ...protectedHeader, ...header }, b64 = validateB64(protectedHeader, validateCrit(JWSInvalid, JWS_RECOGNIZED, shared[1], protectedHeader, joseHeader)), { alg } = joseHeader;
    if (typeof alg != "string" || !alg)
      throw new JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
    if (shared[0] && !shared[0].has(alg))
      throw new JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
    if (b64) {
      if (typeof inputPayload != "string")
        throw new JWSInvalid("JWS Payload must be a string");
    } else if (typeof inputPayload != "string" && !(inputPayload instanceof Uint8Array))
      throw new JWSInvalid("JWS Payload must be a string or an Uint8Array instance");
    const signingPayload = b64 || typeof inputPayload != "string" ? inputPayload : encodeUnencodedPayload(inputPayload);
    let resolvedKey = false;
    typeof key == "function" && (key = await key(protectedHeader, jws), resolvedKey = true);
    const entry = jwsAlgorithm(alg), signingInput = concat(encodedProtectedHeader !== void 0 ? encode(encodedProtectedHeader) : new Uint8Array(), encode("."), typeof signingPayload == "string" ? shared[2] ??= encodeAsciiMember(signingPayload, "payload", JWSInvalid) : signingPayload), signature = decodeBase64url(jws.signature, "signature", JWSInvalid), verificationKey = await prepareKey(entry, key, "verify"), cryptoKey = await rawKey(verificationKey, entry.subtle, "verify");
    entry.minRsaBits && checkModulusLength(entry.alg, cryptoKey);
    let verified = false;
    try {
      verified = await crypto.subtle.verify(entry.signing, cryptoKey, signature, signingInput);
    } catch (cause) {
      throw new JWSSignatureVerificationFailed(void 0, { cause });
    }
    if (!verified)
      throw new JWSSignatureVerificationFailed();
    const result = { payload: typeof signingPayload == "string" ? decodeBase64url(signingPayload, "payload", JWSInvalid) : signingPayload };
    return encodedProtectedHeader !== void 0 && (result.protectedHeader = protectedHeader), header !== void 0 && (result.unprotectedHeader = header), resolvedKey ? [{ ...result, key: verificationKey }, b64] : [result, b64];
  }
  async function verifyCompact(jws, shared, key) {
    if (jws instanceof Uint8Array && (jws = decoder.decode(jws)), typeof jws != "string")
      throw new JWSInvalid("Compact JWS must be a string or Uint8Array");
    const { 0: protectedHeader, 1: payload, 2: signature, length } = jws.split(".");
    if (length !== 3)
      throw new JWSInvalid("Invalid Compact JWS");
    return verifySignature({ payload, protected: protectedHeader, signature }, shared, key, encodeCompactUnencodedPayload);
  }

  // node_modules/jose/dist/webapi/lib/jwt_claims_set.js
  var epoch = (date) => Math.floor(date.getTime() / 1e3);
  var multipliers = {
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    y: 31557600
  };
  var REGEX = /^(\+|\-)? ?(\d+|\d+\.\d+) ?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)(?: (ago|from now))?$/i;
  var checkFailed = "check_failed";
  function invalidDuration() {
    throw new TypeError("Invalid time period format");
  }
  function secs(str) {
    typeof str != "string" && invalidDuration();
    const matched = REGEX.exec(str);
    (!matched || matched[4] && matched[1]) && invalidDuration();
    const value = parseFloat(matched[2]), durationSeconds = Math.round(value * multipliers[matched[3][0].toLowerCase()]);
    return Number.isFinite(durationSeconds) || invalidDuration(), matched[1] === "-" || matched[4]?.toLowerCase() === "ago" ? -durationSeconds : durationSeconds;
  }
  function validateInput(label, input) {
    if (!Number.isFinite(input))
      throw new TypeError(`Invalid ${label} input`);
    return input;
  }
  function validateStringClaim(claim, value) {
    if (typeof value != "string")
      throw new TypeError(`"${claim}" claim must be a string`);
  }
  function validateAudienceClaim(value) {
    if (typeof value != "string" && (!Array.isArray(value) || Array.from(value).some((member) => typeof member != "string")))
      throw new TypeError('"aud" claim must be a string or an array of strings');
  }
  function numericDate(value, label) {
    return typeof value == "number" ? validateInput(label, value) : value instanceof Date ? validateInput(label, epoch(value)) : epoch(/* @__PURE__ */ new Date()) + secs(value);
  }
  var normalizeTyp = (value) => {
    const normalized = value.toLowerCase();
    return value.includes("/") ? normalized : `application/${normalized}`;
  };
  var checkAudiencePresence = (audPayload, audOption) => {
    if (typeof audOption == "string")
      audOption = [audOption];
    else if (!Array.isArray(audOption))
      return false;
    return typeof audPayload == "string" ? audOption.includes(audPayload) : Array.isArray(audPayload) ? audOption.some((aud) => typeof aud == "string" && audPayload.includes(aud)) : false;
  };
  function validateNumericDate(claimsSet, claim, required = false) {
    const value = claimsSet[claim];
    if (!(value === void 0 && !required)) {
      if (typeof value != "number")
        throw new JWTClaimValidationFailed(`"${claim}" claim must be a number`, claimsSet, claim, "invalid");
      return value;
    }
  }
  function unexpectedClaim(claimsSet, claim) {
    throw new JWTClaimValidationFailed(`unexpected "${claim}" claim value`, claimsSet, claim, checkFailed);
  }
  function validateClaimsSet(protectedHeader, claimsSetBytes, options = {}) {
    let claimsSet;
    try {
      claimsSet = JSON.parse(strictDecoder.decode(claimsSetBytes));
    } catch (cause) {
      throw new JWTInvalid("JWT Claims Set must be a top-level JSON object", { cause });
    }
    if (!isObject(claimsSet))
      throw new JWTInvalid("JWT Claims Set must be a top-level JSON object");
    const { typ } = options;
    if (typ !== void 0 && (typeof protectedHeader.typ != "string" || normalizeTyp(protectedHeader.typ) !== normalizeTyp(typ)))
      throw new JWTClaimValidationFailed('unexpected "typ" JWT header value', claimsSet, "typ", checkFailed);
    const { requiredClaims = [], issuer, subject, audience, maxTokenAge } = options, presenceCheck = [...requiredClaims];
    maxTokenAge !== void 0 && presenceCheck.push("iat"), audience !== void 0 && presenceCheck.push("aud"), subject !== void 0 && presenceCheck.push("sub"), issuer !== void 0 && presenceCheck.push("iss");
    for (const claim of new Set(presenceCheck.reverse()))
      if (!Object.hasOwn(claimsSet, claim))
        throw new JWTClaimValidationFailed(`missing required "${claim}" claim`, claimsSet, claim, "missing");
    issuer !== void 0 && !(Array.isArray(issuer) ? issuer : [issuer]).includes(claimsSet.iss) && unexpectedClaim(claimsSet, "iss"), subject !== void 0 && claimsSet.sub !== subject && unexpectedClaim(claimsSet, "sub"), audience !== void 0 && !checkAudiencePresence(claimsSet.aud, audience) && unexpectedClaim(claimsSet, "aud");
    const { clockTolerance } = options;
    let tolerance = 0;
    if (typeof clockTolerance == "string")
      tolerance = secs(clockTolerance);
    else if (clockTolerance !== void 0) {
      if (typeof clockTolerance != "number")
        throw new TypeError("Invalid clockTolerance option type");
      tolerance = clockTolerance;
    }
    if (validateInput("clockTolerance option", tolerance), tolerance < 0)
      throw new TypeError("Invalid clockTolerance option input");
    const { currentDate } = options, now = validateInput("currentDate option", epoch(currentDate === void 0 ? /* @__PURE__ */ new Date() : currentDate)), iat = validateNumericDate(claimsSet, "iat", maxTokenAge !== void 0), nbf = validateNumericDate(claimsSet, "nbf");
    if (nbf !== void 0 && nbf > now + tolerance)
      throw new JWTClaimValidationFailed('"nbf" claim timestamp check failed', claimsSet, "nbf", checkFailed);
    const exp = validateNumericDate(claimsSet, "exp");
    if (exp !== void 0 && exp <= now - tolerance)
      throw new JWTExpired('"exp" claim timestamp check failed', claimsSet, "exp", checkFailed);
    if (maxTokenAge !== void 0) {
      const age = now - iat, max = validateInput("maxTokenAge option", typeof maxTokenAge == "number" ? maxTokenAge : secs(maxTokenAge));
      if (max < 0)
        throw new TypeError("Invalid maxTokenAge option input");
      if (age - tolerance > max)
        throw new JWTExpired('"iat" claim timestamp check failed (too far in the past)', claimsSet, "iat", checkFailed);
      if (age < -tolerance)
        throw new JWTClaimValidationFailed('"iat" claim timestamp check failed (it should be in the past)', claimsSet, "iat", checkFailed);
    }
    return claimsSet;
  }
  var producerClaimsSets;
  function producerClaimsSet(producer) {
    return producerClaimsSets.get(producer);
  }
  function jwtClaimsSetBytes(producer) {
    const claimsSet = producerClaimsSet(producer);
    for (const claim of ["iat", "nbf", "exp"]) {
      const value = claimsSet[claim];
      if (typeof value == "number" && !Number.isFinite(value))
        throw new TypeError(`"${claim}" claim must be a finite number`);
    }
    return encoder.encode(JSON.stringify(claimsSet));
  }
  var JWTClaimsBuilder = class {
    constructor(claimsSet = {}) {
      if (!isObject(claimsSet))
        throw new TypeError("JWT Claims Set MUST be an object");
      (producerClaimsSets ||= /* @__PURE__ */ new WeakMap()).set(this, structuredClone(claimsSet));
    }
    setIssuer(value) {
      return validateStringClaim("iss", value), producerClaimsSet(this).iss = value, this;
    }
    setSubject(value) {
      return validateStringClaim("sub", value), producerClaimsSet(this).sub = value, this;
    }
    setAudience(value) {
      return validateAudienceClaim(value), producerClaimsSet(this).aud = value, this;
    }
    setJti(value) {
      return validateStringClaim("jti", value), producerClaimsSet(this).jti = value, this;
    }
    setNotBefore(value) {
      return producerClaimsSet(this).nbf = numericDate(value, "setNotBefore"), this;
    }
    setExpirationTime(value) {
      return producerClaimsSet(this).exp = numericDate(value, "setExpirationTime"), this;
    }
    setIssuedAt(value) {
      const claimsSet = producerClaimsSet(this);
      return value === void 0 ? claimsSet.iat = epoch(/* @__PURE__ */ new Date()) : typeof value == "string" ? claimsSet.iat = validateInput("setIssuedAt", epoch(/* @__PURE__ */ new Date()) + secs(value)) : claimsSet.iat = numericDate(value, "setIssuedAt"), this;
    }
  };

  // node_modules/jose/dist/webapi/jwt/verify.js
  async function jwtVerify(jwt, key, options) {
    const [verified, b64] = await verifyCompact(jwt, prepareVerify(options), key);
    if (!b64)
      throw new JWTInvalid("JWTs MUST NOT use unencoded payload");
    const payload = validateClaimsSet(verified.protectedHeader, verified.payload, options);
    return { ...verified, payload };
  }

  // node_modules/jose/dist/webapi/lib/jws_sign.js
  async function createSignature(input, key, rejectUnencoded) {
    let [payload, protectedHeader, unprotectedHeader, crit] = input, encodedProtectedHeader = "";
    if (protectedHeader !== void 0) {
      const normalized = serializeJoseHeader(JWSInvalid, protectedHeader);
      protectedHeader = normalized[0], encodedProtectedHeader = encode2(normalized[1]);
    }
    if (unprotectedHeader !== void 0 && (unprotectedHeader = serializeJoseHeader(JWSInvalid, unprotectedHeader)[0]), !protectedHeader && !unprotectedHeader)
      throw new JWSInvalid("either setProtectedHeader or setUnprotectedHeader must be called before #sign()");
    if (!isDisjoint(protectedHeader, unprotectedHeader))
      throw new JWSInvalid("JWS Protected and JWS Unprotected Header Parameter names must be disjoint");
    const joseHeader = { ...protectedHeader, ...unprotectedHeader };
    validateCritDuplicates(JWSInvalid, protectedHeader);
    const b64 = validateB64(protectedHeader, validateCrit(JWSInvalid, JWS_RECOGNIZED, crit, protectedHeader, joseHeader));
    b64 || rejectUnencoded?.();
    const { alg } = joseHeader;
    if (typeof alg != "string" || !alg)
      throw new JWSInvalid('JWS "alg" (Algorithm) Header Parameter missing or invalid');
    const entry = jwsAlgorithm(alg);
    let encodedPayload = "", signingPayload = payload, signingInput;
    if (b64) {
      const encodedPayloadCache = input[4];
      encodedPayloadCache ? (encodedPayload = encodedPayloadCache[0] ??= encode2(payload), signingPayload = encodedPayloadCache[1] ??= encode(encodedPayload)) : (encodedPayload = encode2(payload), signingInput = encoder.encode(`${encodedProtectedHeader}.${encodedPayload}`));
    }
    signingInput ??= concat(encode(encodedProtectedHeader), encode("."), signingPayload);
    const signingKey = await rawKey(await prepareKey(entry, key, "sign"), entry.subtle, "sign");
    entry.minRsaBits && checkModulusLength(entry.alg, signingKey);
    const jws = {
      signature: encode2(new Uint8Array(await crypto.subtle.sign(entry.signing, signingKey, signingInput))),
      payload: encodedPayload
    };
    return protectedHeader && (jws.protected = encodedProtectedHeader), unprotectedHeader && (jws.header = unprotectedHeader), [jws, b64];
  }
  async function createCompactSignature(payload, protectedHeader, crit, key, rejectUnencoded) {
    const [jws] = await createSignature([payload, protectedHeader, void 0, crit], key, rejectUnencoded);
    return `${jws.protected}.${jws.payload}.${jws.signature}`;
  }

  // node_modules/jose/dist/webapi/jwt/sign.js
  var SignJWT_base = JWTClaimsBuilder;
  var SignJWT = class extends SignJWT_base {
    #protectedHeader;
    setProtectedHeader(protectedHeader) {
      return assertNotSet(this.#protectedHeader, "setProtectedHeader"), this.#protectedHeader = protectedHeader, this;
    }
    async sign(key, options) {
      return createCompactSignature(jwtClaimsSetBytes(this), this.#protectedHeader, options?.crit, key, () => {
        throw new JWTInvalid("JWTs MUST NOT use unencoded payload");
      });
    }
  };

  // node_modules/jose/dist/webapi/lib/key_algorithm.js
  var algArgument = '"alg" (Algorithm)';
  function unsupportedAlg(source = 'JWK "alg" (Algorithm) Parameter') {
    throw new JOSENotSupported(`Invalid or unsupported ${source} value`);
  }
  function keyAlgorithm(alg, source) {
    return (typeof alg == "string" ? JWS[alg] ?? JWE[alg] : void 0) ?? unsupportedAlg(source);
  }

  // node_modules/jose/dist/webapi/lib/asn1.js
  var bytesEqual = (a, b) => {
    if (a.byteLength !== b.length)
      return false;
    for (let i = 0; i < a.byteLength; i++)
      if (a[i] !== b[i])
        return false;
    return true;
  };
  var createASN1State = (data) => ({ data, pos: 0 });
  var readByte = (state) => {
    const byte = state.data[state.pos++];
    if (byte === void 0)
      throw new Error("Unexpected end of ASN.1 input");
    return byte;
  };
  var parseLength = (state) => {
    const first = readByte(state);
    if (first & 128) {
      const lengthOfLen = first & 127;
      let length = 0;
      for (let i = 0; i < lengthOfLen; i++)
        length = length << 8 | readByte(state);
      return length;
    }
    return first;
  };
  var expectTag = (state, expectedTag, errorMessage) => {
    if (readByte(state) !== expectedTag)
      throw new Error(errorMessage);
  };
  var getSubarray = (state, length) => {
    if (length < 0 || state.pos + length > state.data.length)
      throw new Error("Unexpected end of ASN.1 input");
    const result = state.data.subarray(state.pos, state.pos + length);
    return state.pos += length, result;
  };
  var parseAlgorithmOID = (state) => {
    expectTag(state, 6, "Expected algorithm OID");
    const oidLen = parseLength(state);
    return getSubarray(state, oidLen);
  };
  function parseKeyHeader(state, keyFormat) {
    if (expectTag(state, 48, `Invalid ${keyFormat === "spki" ? "SPKI" : "PKCS#8"} structure`), parseLength(state), keyFormat === "pkcs8") {
      expectTag(state, 2, "Expected version field");
      const length = parseLength(state);
      state.pos += length;
    }
    expectTag(state, 48, "Expected algorithm identifier"), parseLength(state);
  }
  var parseECAlgorithmIdentifier = (state) => {
    const algOid = parseAlgorithmOID(state);
    if (bytesEqual(algOid, [43, 101, 110]))
      return "X25519";
    if (!bytesEqual(algOid, [42, 134, 72, 206, 61, 2, 1]))
      throw new Error("Unsupported key algorithm");
    expectTag(state, 6, "Expected curve OID");
    const curveOidLen = parseLength(state), curveOid = getSubarray(state, curveOidLen);
    if (bytesEqual(curveOid, [42, 134, 72, 206, 61, 3, 1, 7]))
      return "P-256";
    if (bytesEqual(curveOid, [43, 129, 4, 0, 34]))
      return "P-384";
    if (bytesEqual(curveOid, [43, 129, 4, 0, 35]))
      return "P-521";
    throw new Error("Unsupported named curve");
  };
  var genericImport = async (keyFormat, keyData, alg, options) => {
    const extractable = validateExtractableOption(options?.extractable), entry = keyAlgorithm(alg, algArgument);
    entry.secret && unsupportedAlg(algArgument);
    const isPublic = keyFormat === "spki";
    let algorithm;
    if (entry.resolve)
      try {
        const state = createASN1State(keyData);
        parseKeyHeader(state, keyFormat), algorithm = entry.resolve({ crv: parseECAlgorithmIdentifier(state) });
      } catch (cause) {
        throw new JOSENotSupported("Invalid or unsupported key format", { cause });
      }
    else
      algorithm = entry.subtle;
    return crypto.subtle.importKey(keyFormat, keyData, algorithm, extractable ?? isPublic, entry.usages[isPublic ? 0 : 1]);
  };
  var processPEMData = (pem2, pattern) => decodeBase64(pem2.replace(pattern, ""));
  var fromPKCS8 = (pem2, alg, options) => {
    const keyData = processPEMData(pem2, /(?:-----(?:BEGIN|END) PRIVATE KEY-----|\s)/g);
    return genericImport("pkcs8", keyData, alg, options);
  };
  var fromSPKI = (pem2, alg, options) => {
    const keyData = processPEMData(pem2, /(?:-----(?:BEGIN|END) PUBLIC KEY-----|\s)/g);
    return genericImport("spki", keyData, alg, options);
  };

  // node_modules/jose/dist/webapi/jwks/local.js
  function isUsableJWK(jwk, entry, alg, kid) {
    const { kty, key_ops: keyOps, ext, kid: jwkKid, alg: jwkAlg, use, crv } = jwk;
    return (ext === void 0 || typeof ext == "boolean") && (keyOps === void 0 || Array.isArray(keyOps) && keyOps.every((operation, index) => typeof operation == "string" && keyOps.indexOf(operation) === index) && keyOps.includes("verify")) && entry.kty.includes(kty) && (kid === void 0 || typeof kid == "string" && kid === jwkKid) && (jwkAlg === void 0 ? kty !== "AKP" : alg === jwkAlg) && (use === void 0 || use === "sig") && (!entry.crv || crv === entry.crv);
  }
  async function importWithAlgCache(cache2, jwk, entry) {
    const cached = cache2.get(jwk) || cache2.set(jwk, {}).get(jwk), { alg } = entry;
    if (cached[alg] === void 0) {
      const pending = jwkToKey(entry, jwk, true).then((key) => {
        if (key.type !== "public")
          throw new JWKSInvalid("JSON Web Key Set members must be public keys");
        return cached[alg] = key, key;
      }).catch((error) => {
        throw cached[alg] === pending && delete cached[alg], error;
      });
      cached[alg] = pending;
    }
    return cached[alg];
  }
  function createLocalJWKSet(jwks) {
    let snapshot;
    try {
      snapshot = structuredClone(jwks);
    } catch (cause) {
      throw new JWKSInvalid("JSON Web Key Set malformed", { cause });
    }
    if (!isJwkSet(snapshot))
      throw new JWKSInvalid("JSON Web Key Set malformed");
    const metadata = snapshot.keys.map((jwk) => {
      const normalized = snapshotJwk(jwk);
      return Array.isArray(normalized.key_ops) && (normalized.key_ops = [...normalized.key_ops]), normalized;
    }), cached = /* @__PURE__ */ new WeakMap();
    return Object.defineProperty(async (protectedHeader, token) => {
      const { alg, kid } = { ...protectedHeader, ...token?.header }, entry = typeof alg == "string" ? JWS[alg] : void 0;
      if (!entry || entry.secret)
        throw new JOSENotSupported('Unsupported "alg" value for a JSON Web Key Set');
      const candidates = snapshot.keys.filter((_, index) => isUsableJWK(metadata[index], entry, alg, kid)), { 0: jwk, length } = candidates;
      if (!length)
        throw new JWKSNoMatchingKey();
      if (length !== 1) {
        const error = new JWKSMultipleMatchingKeys();
        throw error[Symbol.asyncIterator] = async function* () {
          for (const jwk2 of candidates)
            try {
              yield await importWithAlgCache(cached, jwk2, entry);
            } catch {
            }
        }, error;
      }
      return importWithAlgCache(cached, jwk, entry);
    }, "jwks", {
      value: () => structuredClone(snapshot)
    });
  }

  // node_modules/jose/dist/webapi/key/import.js
  async function importSPKI(spki, alg, options) {
    if (typeof spki != "string" || spki.indexOf("-----BEGIN PUBLIC KEY-----") !== 0)
      throw new TypeError('"spki" must be SPKI formatted string');
    return fromSPKI(spki, alg, options);
  }
  async function importPKCS8(pkcs8, alg, options) {
    if (typeof pkcs8 != "string" || pkcs8.indexOf("-----BEGIN PRIVATE KEY-----") !== 0)
      throw new TypeError('"pkcs8" must be PKCS#8 formatted string');
    return fromPKCS8(pkcs8, alg, options);
  }
  async function importJWK(jwk, alg, options) {
    if (!isObject(jwk))
      throw new TypeError("JWK must be an object");
    const normalized = normalizeJwk(jwk), extractable = validateExtractableOption(options?.extractable), { alg: jwkAlg } = normalized;
    if (alg ??= jwkAlg, normalized.kty !== "oct" && !alg)
      throw new TypeError('"alg" argument is required when "jwk.alg" is not present');
    switch (normalized.kty) {
      case "oct":
        if (typeof normalized.k != "string")
          throw new TypeError('missing "k" (Key Value) Parameter value');
        return decode(normalized.k);
      case "AKP": {
        if (typeof jwkAlg != "string" || !jwkAlg)
          throw new TypeError('missing "alg" (Algorithm) Parameter value');
        if (alg !== jwkAlg)
          throw new TypeError("JWK alg and alg option value mismatch");
        return jwkToKey(keyAlgorithm(alg), normalized, extractable);
      }
      case "RSA":
      case "EC":
      case "OKP":
        return jwkToKey(keyAlgorithm(alg), normalized, extractable);
      default:
        throw new JOSENotSupported('Unsupported "kty" (Key Type) Parameter value');
    }
  }

  // node_modules/jose/dist/webapi/util/decode_protected_header.js
  function decodeProtectedHeader(token) {
    let encodedProtectedHeader;
    if (typeof token == "string") {
      const parts = token.split(".");
      (parts.length === 3 || parts.length === 5) && ([encodedProtectedHeader] = parts);
    } else if (typeof token == "object" && token)
      if ("protected" in token)
        encodedProtectedHeader = token.protected;
      else
        throw new TypeError("Token does not contain a Protected Header");
    const invalid2 = "Invalid Token or Protected Header formatting";
    if (typeof encodedProtectedHeader != "string" || !encodedProtectedHeader)
      throw new TypeError(invalid2);
    return parseJoseHeader(encodedProtectedHeader, TypeError, invalid2);
  }

  // node_modules/jose/dist/webapi/util/decode_jwt.js
  function decodeJwt(jwt) {
    if (typeof jwt != "string")
      throw new JWTInvalid("JWTs must use Compact JWS serialization, JWT must be a string");
    const { 1: encodedPayload, length } = jwt.split(".");
    if (length === 5)
      throw new JWTInvalid("Only JWTs using Compact JWS serialization can be decoded");
    if (length !== 3)
      throw new JWTInvalid("Invalid JWT");
    if (!encodedPayload)
      throw new JWTInvalid("JWTs must contain a payload");
    let claimsSetBytes;
    try {
      claimsSetBytes = decode(encodedPayload);
    } catch (cause) {
      throw new JWTInvalid("Failed to base64url decode the payload", { cause });
    }
    let claimsSet;
    try {
      claimsSet = JSON.parse(strictDecoder.decode(claimsSetBytes));
    } catch (cause) {
      throw new JWTInvalid("Failed to parse the decoded payload as JSON", { cause });
    }
    if (!isObject(claimsSet))
      throw new JWTInvalid("Invalid JWT Claims Set");
    return claimsSet;
  }

  // entries/jose.js
  var KEYS = { "rsa": { "jwk": { "kty": "RSA", "n": "vBSPXZDr4G1gUr0fK0JehzCTvEkqdKqGvOQRrNyJNvYjyzABSe3w4Upnf_8aS0NANHJrJyM2c0SyqAM3yLu2DZkTD88JqKucS4G47MUueSzr-EyAgsp7KcA4y64SqJmot_CRtpyc1FwfkGiYn6E8Vg9VIag0tzL4UCjzf8bY5xdjqIxjWx9BQU4mCmbL9UZyuWN-Cm6W9R9PY_AbEugyEdHbQgdSUHbGA7-WMYvY2LRrj_qxGlwiqAWR4Paz3ICUoWSBNxPhNea16kbT4cuof0Ao9LrwiBe-TpZGQ8DhqMKdsmIQyNKbgz6liwi7gapT935PB80QxXHuHpl1WL1JqQ", "e": "AQAB", "d": "BmiYmk_SlbmsXKKzPJpc6wmBndq2tAsjya0SGXGEnxHj1ivQfhgkiyH--lUd1ymCDHdx8BS1VC1SUsK_TxtES1zR_InUXVdcR-oHkXvGMbH76As_8r-a_ZPI66RxYCYnjKhJaBnt3GziKh3CRj2BzI3mW537Y9r8VouQASSBpggZN30sA1vp_qTrlYGu-Y5o-ti4MQVeOvlaDef-QJ8AmTNxlKWaavs6zzy1gO1HGWPNkqQ8KCvM0SpUus4yg2c0KDVPqAhV6lbS8FFB9XK8MupJ5xjIdykzYAjNO_-UauNwaH2Mbhj5zVeKz2ZeFo2TKLXLkveDAdCCBfj_ntod7Q", "p": "8hktLKbebE0FbZF0-gDQJtqG09xXzpPjttj9yoZOfyx91HakQ3VsYdQY80m_tzPkihYQmHppLLwTa-gILwPn0llm-4CRFt1D-X9oNrw__ZS1WKdcI-GW6SB7XEH6D4-Rh38FPwYaX-NUveYc7hLpzGcD1hRjRUPG9syZswlmfEU", "q": "xuFSy01hzEhfWtlOi_MPt-YK1N_2-sg1Qj8u8NwXyW_66N9ooTZQqSoxoOSrfBqdk8uKc9TZxRlCZgpTvOcmcllmbHF4VeP2XMqvlHVNkslRN_MbxCn3ZQuKQ-q8e-5j56yvXAmdsh26wFustEmx-YMgzRrDV1HrLtPHOyDuOBU", "dp": "yqGB6v6b6d-pbGSzmNB3aB29fbPOFow3qwIBobI6Hz1Y8CyBHik5FsSUQYT3ntojLeR77XN_dj7Qrp9dwiQtsyS7CkQ4q_90dm5KBo4XrSH7iwFBIJMfYW6bccOTDdUnhFYvSOnNx3YZpnvkuOtBnqCWWGdmE0JAVK848d4rVlU", "dq": "PWJmr6FewjLEW8Ie4EtRWq2CQlouXRFWfvAJiQYlwWLyytXJ8ZhWJSCE2Og7lb6RTIDSZxYXcSJuwBgH6JJf54N4fZg4UCpgbBuTPftGyjug-efrdgyN834wWu4k5wuZgnRmW74MEmHitmSVVcA5Uo4KncPY7ya1tGphX_q2DFE", "qi": "kUPAFShW6lGwkoo80YMJCirTnlBXVMGPkdauUieCzaXfrmP_bAzlwjfPrSXz2KjVfG-HYXSoeUzpriEThix37GafzUfwanmTjwj76lFHm_uPpSRRnegSJzN4vuA1cePDERwz38-CWUzqL0ejWT7FeK9gd00AC25_BiEaKO9k78o" }, "pkcs8": "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC8FI9dkOvgbWBSvR8rQl6HMJO8SSp0qoa85BGs3Ik29iPLMAFJ7fDhSmd//xpLQ0A0cmsnIzZzRLKoAzfIu7YNmRMPzwmoq5xLgbjsxS55LOv4TICCynspwDjLrhKomai38JG2nJzUXB+QaJifoTxWD1UhqDS3MvhQKPN/xtjnF2OojGNbH0FBTiYKZsv1RnK5Y34Kbpb1H09j8BsS6DIR0dtCB1JQdsYDv5Yxi9jYtGuP+rEaXCKoBZHg9rPcgJShZIE3E+E15rXqRtPhy6h/QCj0uvCIF75OlkZDwOGowp2yYhDI0puDPqWLCLuBqlP3fk8HzRDFce4emXVYvUmpAgMBAAECggEABmiYmk/SlbmsXKKzPJpc6wmBndq2tAsjya0SGXGEnxHj1ivQfhgkiyH++lUd1ymCDHdx8BS1VC1SUsK/TxtES1zR/InUXVdcR+oHkXvGMbH76As/8r+a/ZPI66RxYCYnjKhJaBnt3GziKh3CRj2BzI3mW537Y9r8VouQASSBpggZN30sA1vp/qTrlYGu+Y5o+ti4MQVeOvlaDef+QJ8AmTNxlKWaavs6zzy1gO1HGWPNkqQ8KCvM0SpUus4yg2c0KDVPqAhV6lbS8FFB9XK8MupJ5xjIdykzYAjNO/+UauNwaH2Mbhj5zVeKz2ZeFo2TKLXLkveDAdCCBfj/ntod7QKBgQDyGS0spt5sTQVtkXT6ANAm2obT3FfOk+O22P3Khk5/LH3UdqRDdWxh1BjzSb+3M+SKFhCYemksvBNr6AgvA+fSWWb7gJEW3UP5f2g2vD/9lLVYp1wj4ZbpIHtcQfoPj5GHfwU/Bhpf41S95hzuEunMZwPWFGNFQ8b2zJmzCWZ8RQKBgQDG4VLLTWHMSF9a2U6L8w+35grU3/b6yDVCPy7w3BfJb/ro32ihNlCpKjGg5Kt8Gp2Ty4pz1NnFGUJmClO85yZyWWZscXhV4/Zcyq+UdU2SyVE38xvEKfdlC4pD6rx77mPnrK9cCZ2yHbrAW6y0SbH5gyDNGsNXUesu08c7IO44FQKBgQDKoYHq/pvp36lsZLOY0HdoHb19s84WjDerAgGhsjofPVjwLIEeKTkWxJRBhPee2iMt5Hvtc392PtCun13CJC2zJLsKRDir/3R2bkoGjhetIfuLAUEgkx9hbptxw5MN1SeEVi9I6c3Hdhmme+S460GeoJZYZ2YTQkBUrzjx3itWVQKBgD1iZq+hXsIyxFvCHuBLUVqtgkJaLl0RVn7wCYkGJcFi8srVyfGYViUghNjoO5W+kUyA0mcWF3EibsAYB+iSX+eDeH2YOFAqYGwbkz37Rso7oPnn63YMjfN+MFruJOcLmYJ0Zlu+DBJh4rZklVXAOVKOCp3D2O8mtbRqYV/6tgxRAoGBAJFDwBUoVupRsJKKPNGDCQoq055QV1TBj5HWrlIngs2l365j/2wM5cI3z60l89io1Xxvh2F0qHlM6a4hE4Ysd+xmn81H8Gp5k48I++pRR5v7j6UkUZ3oEiczeL7gNXHjwxEcM9/PgllM6i9Ho1k+xXivYHdNAAtufwYhGijvZO/K", "spki": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvBSPXZDr4G1gUr0fK0JehzCTvEkqdKqGvOQRrNyJNvYjyzABSe3w4Upnf/8aS0NANHJrJyM2c0SyqAM3yLu2DZkTD88JqKucS4G47MUueSzr+EyAgsp7KcA4y64SqJmot/CRtpyc1FwfkGiYn6E8Vg9VIag0tzL4UCjzf8bY5xdjqIxjWx9BQU4mCmbL9UZyuWN+Cm6W9R9PY/AbEugyEdHbQgdSUHbGA7+WMYvY2LRrj/qxGlwiqAWR4Paz3ICUoWSBNxPhNea16kbT4cuof0Ao9LrwiBe+TpZGQ8DhqMKdsmIQyNKbgz6liwi7gapT935PB80QxXHuHpl1WL1JqQIDAQAB" }, "ec": { "jwk": { "kty": "EC", "x": "C3tOJRNbq6mkVAZnNgT9uuO5argq3CGzhYQ6cy46-Ok", "y": "RUmRRGAdqukEzaEqWFT773FVl1wGy9q_wzKOrrz0nWg", "crv": "P-256", "d": "a63m20sAp2VcTcLf6O399gI262W4SAoBpZVMKO13Okk" }, "pkcs8": "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQga63m20sAp2VcTcLf6O399gI262W4SAoBpZVMKO13OkmhRANCAAQLe04lE1urqaRUBmc2BP2647lquCrcIbOFhDpzLjr46UVJkURgHarpBM2hKlhU++9xVZdcBsvav8Myjq689J1o", "spki": "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC3tOJRNbq6mkVAZnNgT9uuO5argq3CGzhYQ6cy46+OlFSZFEYB2q6QTNoSpYVPvvcVWXXAbL2r/DMo6uvPSdaA==" }, "ed": { "jwk": { "crv": "Ed25519", "d": "xwqH05bsqGa7v2ZTxANDvQZePJ7CSjQOSex9wuz8QNg", "x": "MQlZ0HNlBWtPN23vKOdLT06WMvslvNNgMcNxpejPM-A", "kty": "OKP" }, "pkcs8": "MC4CAQAwBQYDK2VwBCIEIMcKh9OW7Khmu79mU8QDQ70GXjyewko0DknsfcLs/EDY", "spki": "MCowBQYDK2VwAyEAMQlZ0HNlBWtPN23vKOdLT06WMvslvNNgMcNxpejPM+A=" } };
  var PUBLIC = { "rsa": { "kty": "RSA", "n": "vBSPXZDr4G1gUr0fK0JehzCTvEkqdKqGvOQRrNyJNvYjyzABSe3w4Upnf_8aS0NANHJrJyM2c0SyqAM3yLu2DZkTD88JqKucS4G47MUueSzr-EyAgsp7KcA4y64SqJmot_CRtpyc1FwfkGiYn6E8Vg9VIag0tzL4UCjzf8bY5xdjqIxjWx9BQU4mCmbL9UZyuWN-Cm6W9R9PY_AbEugyEdHbQgdSUHbGA7-WMYvY2LRrj_qxGlwiqAWR4Paz3ICUoWSBNxPhNea16kbT4cuof0Ao9LrwiBe-TpZGQ8DhqMKdsmIQyNKbgz6liwi7gapT935PB80QxXHuHpl1WL1JqQ", "e": "AQAB" }, "ec": { "kty": "EC", "x": "C3tOJRNbq6mkVAZnNgT9uuO5argq3CGzhYQ6cy46-Ok", "y": "RUmRRGAdqukEzaEqWFT773FVl1wGy9q_wzKOrrz0nWg", "crv": "P-256" }, "ed": { "crv": "Ed25519", "x": "MQlZ0HNlBWtPN23vKOdLT06WMvslvNNgMcNxpejPM-A", "kty": "OKP" } };
  var NODE_TOKENS = { "ES256": "eyJhbGciOiJFUzI1NiIsImtpZCI6ImVzMjU2In0.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.lTlvGPtXISvoS6yMIilBzRaf8usL47DL0Fr-N6xquUO4qNgGVCz15jZDsWoDVGMi0dB6D_e-S384Ya-mHqIeCQ", "PS256": "eyJhbGciOiJQUzI1NiIsImtpZCI6InBzMjU2In0.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.RSG2JsWFnPbh2pvEOUh-p00hN6Fzo88Ia9FC14KZiTrqLkAvQC0-ctNAjndLKgmuBx5I8XURCpcXdI26XupgRJw1kOXmcP0xInsjzvUQThygHsq9PTPKVHI8yaOVT2lcds5qxiIoItZVWS2_nUZnA02_NDLXuBCLrvh7D2OwrvzdYbhOPCXd8LoTupqmqz9bxktnCeFKABYkd43B6U1RSLTr90WM-puT1GiHcGNiuRhyNfkeOrbBHOdYh7gbnbYdWgnIIg2s51dFbkDlLOBQ_7FDAts-CyLChe6wusT5h7wk0q90H4nnlWWKdooQnlNTBNDHWaOUawdbsaO8LjGt4A", "RS256": "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzMjU2In0.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.kWzFfqAX2GOcAzV811bc4gf5W4datuMpneNjK3GQm-kyfbMjnjkTzHho1z6-yuChz9n7s76XwHusj2KBMUqNXLUJ4iuFUKaMrI_i6sJJvZJAxQPpI9997T8fJw_rgplKtmmQjH52KccMG7IbIKzoa0CrvSIl3aUMpLcJUin_uEA8r_8VOmNKRB_fcJqDXkbnM-Do9WAorMV4niV60BviUlUKZOuWQQhfMeLIRJHgGipu8fT-GzGzRGbq_asAwqH_wOOONlt3CBzfJ7zRp8WLNO0DmtgI1yGykTwiIogybXvqaKqVSkmKvxtE3KOEsu0jZ4kqVplrUQywBZUEgzDDzQ", "EdDSA": "eyJhbGciOiJFZERTQSIsImtpZCI6ImVkZHNhIn0.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.S9ndqqdJh2OmrrQpuUpT1r4FBmYQoxj6hF2RuYCs82wYZI9J-n_JjWg5aEDrQAKcPm0MfoX5lakDmusUWx39Cw", "HS256": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIiwicm9sZSI6ImFkbWluIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE5MjQ5OTIwMDAsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUiLCJhdWQiOiJraXR3b3JrIn0.OT2s_SKjgpADYUCejSB79sdvvaF2y4stxKpYtYR3MX0" };
  var SECRET = new TextEncoder().encode("a-string-secret-at-least-256-bits-long");
  var NOW = new Date(18e8 * 1e3);
  var pem = (label, b64) => `-----BEGIN ${label}-----
${b64.match(/.{1,64}/g).join("\n")}
-----END ${label}-----
`;
  var claims = (p) => `${p.sub} ${p.role} ${p.iss} ${p.aud} ${p.exp}`;
  async function main() {
    const opts = { issuer: "https://issuer.example", audience: "kitwork", currentDate: NOW };
    const publicKey = { ES256: PUBLIC.ec, PS256: PUBLIC.rsa, RS256: PUBLIC.rsa, EdDSA: PUBLIC.ed };
    for (const alg of ["ES256", "PS256", "RS256", "EdDSA"]) {
      const key = await importJWK(publicKey[alg], alg);
      const { payload: payload2, protectedHeader } = await jwtVerify(NODE_TOKENS[alg], key, opts);
      console.log("node's", alg, protectedHeader.kid, claims(payload2));
    }
    const { payload } = await jwtVerify(NODE_TOKENS.HS256, SECRET, opts);
    console.log("node's HS256", claims(payload));
    const jwks = createLocalJWKSet({ keys: [
      { ...PUBLIC.ec, kid: "es256", alg: "ES256" },
      { ...PUBLIC.rsa, kid: "ps256", alg: "PS256" },
      { ...PUBLIC.ed, kid: "eddsa", alg: "EdDSA" }
    ] });
    for (const alg of ["ES256", "PS256", "EdDSA"]) {
      const r = await jwtVerify(NODE_TOKENS[alg], jwks, opts);
      console.log("jwks", alg, r.payload.sub);
    }
    const spki = await importSPKI(pem("PUBLIC KEY", KEYS.rsa.spki), "RS256");
    const pkcs8 = await importPKCS8(pem("PRIVATE KEY", KEYS.rsa.pkcs8), "RS256");
    const edPkcs8 = await importPKCS8(pem("PRIVATE KEY", KEYS.ed.pkcs8), "EdDSA");
    const ecPkcs8 = await importPKCS8(pem("PRIVATE KEY", KEYS.ec.pkcs8), "ES256");
    const claimsSet = { sub: "user-7", role: "reader", iat: 1767225600, exp: 1924992e3, iss: "https://issuer.example", aud: "kitwork" };
    const signWith = (alg, key) => new SignJWT(claimsSet).setProtectedHeader({ alg }).sign(key);
    console.log("HS256", await signWith("HS256", SECRET));
    const rs = await signWith("RS256", pkcs8);
    console.log("RS256", rs);
    console.log("RS256 back", (await jwtVerify(rs, spki, opts)).payload.sub);
    console.log("EdDSA", await signWith("EdDSA", edPkcs8));
    const es = await signWith("ES256", ecPkcs8);
    console.log("ES256 back", es.split(".")[2].length, (await jwtVerify(es, await importJWK(PUBLIC.ec, "ES256"), opts)).payload.role);
    const ps = await signWith("PS256", await importJWK(KEYS.rsa.jwk, "PS256"));
    console.log("PS256 back", (await jwtVerify(ps, await importJWK(PUBLIC.rsa, "PS256"), opts)).payload.role);
    const code = (p) => p.then(() => "verified", (e) => e.code || e.name);
    const [h, b, s] = NODE_TOKENS.ES256.split(".");
    const forged = [h, base64url_exports.encode(JSON.stringify({ ...claimsSet, role: "admin" })), s].join(".");
    const ec = await importJWK(PUBLIC.ec, "ES256");
    console.log("forged", await code(jwtVerify(forged, ec, opts)));
    console.log("expired", await code(jwtVerify(NODE_TOKENS.ES256, ec, { ...opts, currentDate: new Date(2e9 * 1e3) })));
    console.log("audience", await code(jwtVerify(NODE_TOKENS.ES256, ec, { ...opts, audience: "someone-else" })));
    console.log("other key", await code(jwtVerify(NODE_TOKENS.RS256, await importJWK(PUBLIC.rsa, "PS256"), opts)));
    console.log("wrong secret", await code(jwtVerify(NODE_TOKENS.HS256, new TextEncoder().encode("x".repeat(32)), opts)));
    console.log("no such kid", await code(jwtVerify(NODE_TOKENS.RS256, jwks, opts)));
    console.log("not a token", await code(jwtVerify("abc.def", ec, opts)));
    console.log("decoded", decodeJwt(NODE_TOKENS.EdDSA).sub, decodeProtectedHeader(NODE_TOKENS.EdDSA).alg);
  }
  main().catch((e) => console.log("failed:", e && e.message));
})();
