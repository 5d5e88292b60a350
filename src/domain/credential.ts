/** Credential chains as alerts tell them. */

/** Who obtained a session's credential, for an alert's story. */
export interface CredentialIssuer {
  /** Actor key of the issuing call. */
  actor: string;
  /** Readable name of that actor: its key's last part. */
  name: string;
  /** CloudTrail eventID of the issuing call (AssumeRole, GetSessionToken, ...). */
  eventId: string;
  /** Origin first, the session's own identity last. */
  chain: string[];
}
