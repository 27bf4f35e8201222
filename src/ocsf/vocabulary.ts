/**
 * OCSF 1.8.0 enum captions and constants shared by the validator, the simple-event mapper and the test event.
 * Captions come from the OCSF dictionary (the vendored JSON Schemas carry the ids but not the captions).
 */

export const OCSF_VERSION = '1.8.0';

/** metadata.product of the events siemstream builds (OCSF needs `name` or `uid`; ours always have a name). */
export interface OcsfProduct {
  name: string;
  uid?: string;
  vendor_name?: string;
  version?: string;
}

/** The product stamped on events siemstream maps from simple events, unless the caller overrides it. */
export const DEFAULT_PRODUCT: Readonly<OcsfProduct> = Object.freeze({ name: 'AuthOS', vendor_name: 'siemstream' });

export const SEVERITY_CAPTIONS: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Informational',
  2: 'Low',
  3: 'Medium',
  4: 'High',
  5: 'Critical',
  6: 'Fatal',
  99: 'Other',
};

/** status_id of every non-finding class (base event). */
export const STATUS_CAPTIONS: Readonly<Record<number, string>> = { 0: 'Unknown', 1: 'Success', 2: 'Failure', 99: 'Other' };

/** status_id of Detection Finding (2004), a different enum from the base one. */
export const FINDING_STATUS_CAPTIONS: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'New',
  2: 'In Progress',
  3: 'Suppressed',
  4: 'Resolved',
  5: 'Archived',
  6: 'Deleted',
  99: 'Other',
};

export const CATEGORY_CAPTIONS: Readonly<Record<number, string>> = {
  0: 'Uncategorized',
  1: 'System Activity',
  2: 'Findings',
  3: 'Identity & Access Management',
  4: 'Network Activity',
  5: 'Discovery',
  6: 'Application Activity',
  7: 'Remediation',
  8: 'Unmanned Systems',
};

/** auth_factor.factor_type_id and its caption, by the simple event's `mfa_method` keyword. */
export const FACTOR_TYPES: Readonly<Record<string, { id: number; caption: string }>> = {
  sms: { id: 1, caption: 'SMS' },
  security_question: { id: 2, caption: 'Security Question' },
  phone_call: { id: 3, caption: 'Phone Call' },
  biometric: { id: 4, caption: 'Biometric' },
  push: { id: 5, caption: 'Push Notification' },
  hardware_token: { id: 6, caption: 'Hardware Token' },
  otp: { id: 7, caption: 'OTP' },
  totp: { id: 7, caption: 'OTP' },
  email: { id: 8, caption: 'Email' },
  u2f: { id: 9, caption: 'U2F' },
  webauthn: { id: 10, caption: 'WebAuthn' },
  passkey: { id: 10, caption: 'WebAuthn' },
  password: { id: 11, caption: 'Password' },
};
