/**
 * The fake Graph API the tests use. It lives in src/whatsapp/ because the sandbox (`chatledger demo`) runs it
 * too, from the build; tests import it from here like every other support module.
 */
export {
  GRAPH_ERRORS,
  startFakeGraphApi,
  type FakeGraphApi,
  type FakeGraphApiOptions,
  type FakeSentMessage,
  type FakeStatus,
  type GraphErrorName,
  type GraphErrorSpec,
  type RecordedRequest,
  type StatusOptions,
  type WebhookTarget,
} from '../../src/whatsapp/fake-graph-api.js';
