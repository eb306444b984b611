// The registry tier's harness: real registries (Debian's docker-registry), a token server, certificates,
// seeded images, a recording / fault-injecting proxy and a forward proxy. Plain async functions, each
// part closed by the close() it returns; no test framework inside, so the bench and `npm start` can use them too.
export { makeTestCertificates, type TestCertificateOptions, type TestCertificates } from './certs';
export { sha256Digest } from './digest';
export { REDIRECT_SIGNATURE_PARAM, startFaultProxy, type Fault, type FaultKind, type FaultProxy, type RedirectTarget } from './faultProxy';
export { startForwardProxy, type ForwardProxy, type ForwardProxyOptions, type ProxiedRecord } from './forwardProxy';
export { Annotations, MediaTypes, PredicateTypes } from './imageContent';
export { maxConcurrent, startRecordingProxy, type RecordedRequest, type RecordingProxy, type RecordingProxyOptions } from './recordingProxy';
export { startRegistry, type RegistryOptions, type RunningRegistry } from './registry';
export { PushSession, seedDockerList, seedImage, seedSingle, type SeededContent, type SeededIndex, type SeededSingle, type SeedImageOptions, type SeedOptions } from './seed';
export { decodeBasic, decodeTokenClaims, startTokenServer, type TokenRequest, type TokenServer, type TokenServerOptions } from './tokenServer';
