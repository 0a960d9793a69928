/**
 * The WhatsApp Cloud API webhook, pure side: signature check, verification handshake, and the mapping of a
 * notification to chatledger events. The HTTP route and the storage of what this returns live elsewhere.
 */
export {
  escapeNonAscii,
  signWhatsAppPayload,
  toMetaWireJson,
  verifyWhatsAppSignature,
  type SignatureCheck,
  type SignatureFailureReason,
} from './signature.js';
export {
  VERIFICATION_FAILURE_CODES,
  verifyWhatsAppSubscription,
  type VerificationAnswer,
  type VerificationFailureCode,
  type VerificationQuery,
} from './verification.js';
export {
  mapWhatsAppNotification,
  type WhatsAppMappingContext,
  type WhatsAppMappingResult,
} from './map-notification.js';
export {
  WHATSAPP_REJECTION_CODES,
  type WhatsAppRejection,
  type WhatsAppRejectionCode,
} from './rejections.js';
export { WHATSAPP_STATUSES, type WhatsAppStatus } from './map-status.js';
