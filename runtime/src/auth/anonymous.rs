//! No signature: the request the official SDKs send for a call whose `auth_type` is
//! `Anonymous` (STS `AssumeRoleWithOIDC`, authenticated by the OIDC token it carries). They
//! send it with the ACS3 request headers (action, version, date, nonce, the body's hash) and
//! neither a security token nor an `Authorization`, and so does this scheme.

use super::{Unsigned, acs3};
use crate::attempt::SignedRequest;
use crate::error::Error;

/// The request, unsigned.
pub(crate) fn sign(unsigned: Unsigned<'_>) -> Result<SignedRequest, Error> {
    acs3::request(unsigned, None)
}
