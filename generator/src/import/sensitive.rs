//! Which parameters and fields hold secrets: the rule by which the importer marks them
//! `sensitive` (redacted from `Debug` and the CLI's `--dry-run`), for every product.
//!
//! A value is judged by its wire name first, read as English words (`AccountPassword` →
//! *account password*, `accessKeySecret` → *access key secret*, `x-acs-airticket-access-token`,
//! `dbpassword` → *db password*), whose last word is the head noun: *what* the value is. Words
//! that only say in what form it comes (`…Value`, `…Data`, `…Content`, `…Pem`, `…Body`) are
//! passed over (`SecretData`, `PrivateKeyPem`, `ApiKeyValue` are the secret itself).
//!
//! - **Secrets by name**: a password (`password`, `passwd`, `pwd`, `passphrase`), a `secret`,
//!   `plaintext`, a `kubeconfig`, a pre-shared key (`psk`), a private, secret or API key, and a
//!   token that grants access (an access, security, session, refresh, bearer, login, OIDC, …
//!   token: any token but those below).
//! - **Secrets unless the description says otherwise** (it opens by calling the value an ID, a
//!   name, a type, a public key, a page or idempotency token, …): a bare `Token`, a plural
//!   `Secrets`, a credential, a ticket with a qualifier (`ConnectionTicket`), an
//!   authentication, signing or encryption key (`AuthKey`, `EncryptKey`, `DingSignKey`).
//! - **Secrets when the description says so**: names that say nothing by themselves
//!   (`Value`, `Data`, `Config`, `Key`, `AccessKey`, `EncryptionKey`, `Ticket`) whose
//!   description opens with a secret (*The private key of the certificate*, *The kubeconfig
//!   file of the cluster*, *The value of the API key*, *The credentials for connecting to…*).
//!   When the description is silent, such a one-word name (`Value`, `Data`, `Config`, …) is
//!   what encloses it: the value of a `Password` object, the `config` that
//!   `DescribeClusterV2UserKubeconfig` returns (the operation's name without its verb
//!   encloses its top-level fields).
//! - **An `Authorization`** is a secret where it is a request header or a field of one.
//!
//! Never secrets: page and idempotency tokens (`NextToken`, `nextToken`, `NextPageToken`,
//! `ContinuationToken`, `ClientToken`, `IdempotentToken`), token counts (`InputTokens`), IDs and
//! names (`KeyId`, `SecretName`, `AccessKeyId`, `TokenType`), and whatever else a secret word
//! only qualifies (`PasswordPolicy`, `MinimumPasswordLength`, `AccessTokenExpiredTime`,
//! `PasswordStrength`); names that open with a predicate (`HasPassword`, `IsValueSecret`,
//! `PasswordInherit` ends in one); and every value that cannot be a secret's text: booleans,
//! numbers, objects (their fields are judged one by one) and strings with a fixed set of values
//! (`HttpTokens: optional | required`).

use heck::ToSnakeCase;

use crate::spec::{OperationSpec, Shape};

/// A value the rule marked sensitive, or one named like a secret that it did not mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    /// Where it is: a request, a response or a shared schema.
    pub side: Side,
    /// The operation's action, or the shared schema's name.
    pub owner: String,
    /// Its path as an overlay names it (`Nodes[].LoginPassword`, `Credentials.AccessKeySecret`).
    pub path: String,
    /// Its wire name, the last step of `path`.
    pub name: String,
    /// Its type in the spec (`string`, `boolean`, `array`, …).
    pub ty: String,
    /// Why it is a secret; `None` for a value named like one that is not.
    pub secret: Option<Reason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    Request,
    Response,
    /// A field of a shared schema (`schemas.yaml`), which requests and responses refer to.
    Schema,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Request => "request",
            Side::Response => "response",
            Side::Schema => "schema",
        }
    }
}

/// Why the rule marks a value sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// Its name says it is a secret.
    Name,
    /// Its name says nothing by itself, and its description opens with a secret.
    Description,
    /// Its name says nothing by itself, and what encloses it is a secret.
    Enclosing,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Name => "name",
            Reason::Description => "description",
            Reason::Enclosing => "enclosing name",
        }
    }
}

/// What a value's name is read against: the nearest enclosing field (an array's or map's
/// name for the fields of its elements), or for a top-level parameter or field, the operation.
#[derive(Debug, Clone, Copy)]
enum Enclosing<'a> {
    Field(&'a str),
    Operation(&'a str),
}

/// Marks sensitive every parameter and response field of `operation` (named `action`), at any
/// depth, that the rule finds a secret, and adds to `judged` what it marked and what it passed
/// over that is named like a secret. Never clears a mark.
pub(crate) fn mark_operation(
    action: &str,
    operation: &mut OperationSpec,
    judged: &mut Vec<Judged>,
) {
    let sides = [
        (Side::Request, &mut operation.request),
        (Side::Response, &mut operation.response),
    ];
    for (side, shapes) in sides {
        let mut marker = Marker {
            side,
            owner: action,
            judged: &mut *judged,
        };
        for shape in shapes {
            let header = side == Side::Request
                && shape
                    .location
                    .as_ref()
                    .is_some_and(|location| location.value == "header");
            marker.mark(shape, Enclosing::Operation(action), header, "");
        }
    }
}

/// Marks the fields of the shared schemas, each schema enclosing its own fields.
pub(crate) fn mark_schemas(schemas: &mut [Shape], judged: &mut Vec<Judged>) {
    for schema in schemas {
        let name = schema
            .name
            .as_ref()
            .map(|name| name.value.clone())
            .unwrap_or_default();
        let mut marker = Marker {
            side: Side::Schema,
            owner: &name,
            judged: &mut *judged,
        };
        for field in &mut schema.fields {
            marker.mark(field, Enclosing::Field(&name), false, "");
        }
    }
}

struct Marker<'m> {
    side: Side,
    owner: &'m str,
    judged: &'m mut Vec<Judged>,
}

impl Marker<'_> {
    /// Judges the named `shape` under `parent_path`, then the fields inside it.
    fn mark(
        &mut self,
        shape: &mut Shape,
        enclosing: Enclosing<'_>,
        header: bool,
        parent_path: &str,
    ) {
        let Some(name) = shape.name.as_ref().map(|name| name.value.clone()) else {
            return;
        };
        let path = if parent_path.is_empty() {
            name.clone()
        } else {
            format!("{parent_path}.{name}")
        };
        let secret = judge(shape, &name, enclosing, header);
        if secret.is_some() || named_like_a_secret(&words(&name)) {
            shape.sensitive |= secret.is_some();
            self.judged.push(Judged {
                side: self.side,
                owner: self.owner.to_owned(),
                path: path.clone(),
                name: name.clone(),
                ty: shape
                    .ty
                    .as_ref()
                    .map_or_else(|| "ref".to_owned(), |ty| ty.value.clone()),
                secret,
            });
        }
        self.mark_fields(shape, &name, path);
    }

    /// The fields of `shape` (named `name`, at `path`), through arrays and maps.
    fn mark_fields(&mut self, shape: &mut Shape, name: &str, path: String) {
        for field in &mut shape.fields {
            self.mark(field, Enclosing::Field(name), false, &path);
        }
        if let Some(items) = shape.items.as_deref_mut() {
            self.mark_fields(items, name, format!("{path}[]"));
        }
        if let Some(values) = shape.values.as_deref_mut() {
            self.mark_fields(values, name, format!("{path}{{}}"));
        }
    }
}

/// Whether the value of `shape` (named `name`, in `enclosing`, a request header or not) is a
/// secret, and why; `None` when it is not.
fn judge(shape: &Shape, name: &str, enclosing: Enclosing<'_>, header: bool) -> Option<Reason> {
    if !can_hold_a_secret(shape) {
        return None;
    }
    let name_words = words(name);
    let described = shape.description.as_deref().and_then(description_says);
    match verdict(&name_words) {
        Verdict::Secret => Some(Reason::Name),
        Verdict::Likely => (described != Some(false)).then_some(Reason::Name),
        Verdict::Authorization => {
            let in_header = header
                || matches!(enclosing, Enclosing::Field(field)
                    if matches!(words(field).last().map(String::as_str), Some("header" | "headers")));
            in_header.then_some(Reason::Name)
        }
        Verdict::Unknown => match described {
            Some(true) => Some(Reason::Description),
            Some(false) => None,
            None => {
                let enclosing = match enclosing {
                    Enclosing::Field(field) => words(field),
                    Enclosing::Operation(action) => {
                        let mut action_words = words(action);
                        let verbs = action_words
                            .iter()
                            .take_while(|word| VERBS.contains(&word.as_str()))
                            .count();
                        action_words.drain(..verbs);
                        action_words
                    }
                };
                let secret_enclosing = match name_words.as_slice() {
                    // The value of what encloses it: `Password.Value`.
                    [only] if DEFERRING.contains(&only.as_str()) => {
                        verdict(&enclosing) == Verdict::Secret
                    }
                    // What encloses it, named more precisely: `Ticket` of `GetConnectionTicket`.
                    [only] => {
                        enclosing.last().map(|last| singular(last)) == Some(singular(only))
                            && matches!(verdict(&enclosing), Verdict::Secret | Verdict::Likely)
                    }
                    _ => false,
                };
                secret_enclosing.then_some(Reason::Enclosing)
            }
        },
        Verdict::Not => None,
    }
}

/// Text, or a list or map of text: a secret is never a flag, a number, an object (its fields
/// are judged) or one of a fixed set of values.
fn can_hold_a_secret(shape: &Shape) -> bool {
    match shape.ty.as_ref().map(|ty| ty.value.as_str()) {
        Some("string" | "any") => shape.enum_values.is_empty(),
        Some("array") => shape.items.as_deref().is_some_and(can_hold_a_secret),
        Some("map") => shape.values.as_deref().is_some_and(can_hold_a_secret),
        _ => false,
    }
}

/// What a name says of its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Secret,
    /// A secret unless the description says otherwise.
    Likely,
    /// A secret in a request header.
    Authorization,
    /// Nothing by itself.
    Unknown,
    Not,
}

/// Words naming the form a value comes in, not what it is.
const FORMS: &[&str] = &[
    "value", "data", "content", "text", "string", "str", "body", "pem", "base64", "b64", "file",
];

/// One-word names that take their meaning from what encloses them.
const DEFERRING: &[&str] = &[
    "value", "data", "content", "text", "string", "str", "body", "config",
];

/// First words that make a name a statement about a value, not the value (`HasPassword`,
/// `IsValueSecret`, `EnableAuthToken`).
const PREDICATES: &[&str] = &[
    "is",
    "has",
    "have",
    "need",
    "needs",
    "enable",
    "enabled",
    "disable",
    "disabled",
    "allow",
    "allowed",
    "can",
    "use",
    "should",
    "support",
    "supports",
    "supported",
    "with",
    "without",
    "no",
    "not",
    "skip",
    "show",
    "require",
    "required",
    "include",
    "if",
    "whether",
    "exist",
    "exists",
    "force",
    "forced",
    "auto",
];

/// Head nouns that are secrets whatever qualifies them.
const SECRETS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "plaintext",
    "kubeconfig",
    "psk",
];

/// Tokens that grant nothing: pages, idempotency, counts of model tokens, and the like.
const HARMLESS_TOKENS: &[&str] = &[
    "next",
    "nextpage",
    "page",
    "previous",
    "prev",
    "last",
    "first",
    "continuation",
    "scroll",
    "client",
    "idempotent",
    "idempotence",
    "idempotency",
    "input",
    "output",
    "total",
    "max",
    "min",
    "prompt",
    "completion",
    "embedding",
    "cached",
    "reasoning",
    "image",
    "audio",
    "text",
    "marker",
    "action",
    "search",
    "query",
    "http",
];

/// Qualifiers that make a key a secret.
const SECRET_KEYS: &[&str] = &["private", "secret", "api", "sk"];

/// Qualifiers of a key that is a secret unless described otherwise.
const LIKELY_SECRET_KEYS: &[&str] = &[
    "auth",
    "authentication",
    "sign",
    "signing",
    "encrypt",
    "hmac",
    "aes",
    "symmetric",
    "shared",
    "cryptographic",
];

/// Qualifiers of a key that may be its ID as well as the key: the description decides.
const AMBIGUOUS_KEYS: &[&str] = &["access", "encryption", "signature"];

/// Verbs an operation's name opens with.
const VERBS: &[&str] = &[
    "get",
    "describe",
    "list",
    "query",
    "create",
    "update",
    "modify",
    "delete",
    "set",
    "put",
    "add",
    "remove",
    "generate",
    "fetch",
    "obtain",
    "apply",
    "reset",
    "refresh",
    "batch",
    "open",
    "init",
    "initialize",
    "rotate",
    "download",
    "export",
    "import",
];

fn verdict(words: &[String]) -> Verdict {
    let Some(first) = words.first() else {
        return Verdict::Unknown;
    };
    if words.len() > 1 && PREDICATES.contains(&first.as_str()) {
        return Verdict::Not;
    }
    let mut head = words.len() - 1;
    while head > 0 && FORMS.contains(&words[head].as_str()) {
        head -= 1;
    }
    let qualifier = head.checked_sub(1).map(|at| words[at].as_str());
    let noun = singular(&words[head]);
    match noun {
        // A list of secrets is as often a list of their names.
        "secret" if words[head] == "secrets" => Verdict::Likely,
        _ if SECRETS.contains(&noun) => Verdict::Secret,
        // A list of bare tokens is as often a list of words (delimiters, template variables).
        "token" if qualifier.is_none() && words[head] == "tokens" => Verdict::Unknown,
        "token" => match qualifier {
            None => Verdict::Likely,
            Some(qualifier) if HARMLESS_TOKENS.contains(&qualifier) => Verdict::Not,
            Some(_) => Verdict::Secret,
        },
        "key" => match qualifier {
            Some(qualifier) if SECRET_KEYS.contains(&qualifier) => Verdict::Secret,
            Some(qualifier) if LIKELY_SECRET_KEYS.contains(&qualifier) => Verdict::Likely,
            Some(qualifier) if AMBIGUOUS_KEYS.contains(&qualifier) => Verdict::Unknown,
            Some(_) => Verdict::Not,
            None => Verdict::Unknown,
        },
        "credential" => Verdict::Likely,
        // A code that authorizes (a domain's transfer code, an activation code), not a code of
        // a product or an error.
        "code" if matches!(qualifier, Some("authorization" | "auth" | "token")) => Verdict::Likely,
        "ticket" if qualifier.is_some() => Verdict::Likely,
        "ticket" => Verdict::Unknown,
        "authorization" if qualifier.is_none() => Verdict::Authorization,
        _ if head == 0 && DEFERRING.contains(&noun) => Verdict::Unknown,
        _ => Verdict::Not,
    }
}

/// Whether a name has a word of the secret nouns above, whatever the rule makes of it: the
/// names worth a look when the rule is reviewed.
fn named_like_a_secret(words: &[String]) -> bool {
    words.iter().enumerate().any(|(at, word)| {
        let noun = singular(word);
        let qualifier = at.checked_sub(1).map(|before| words[before].as_str());
        SECRETS.contains(&noun)
            || matches!(noun, "token" | "credential" | "ticket" | "authorization")
            || (noun == "key"
                && qualifier.is_some_and(|qualifier| {
                    SECRET_KEYS.contains(&qualifier)
                        || LIKELY_SECRET_KEYS.contains(&qualifier)
                        || AMBIGUOUS_KEYS.contains(&qualifier)
                }))
    })
}

/// `passwords` → `password`, for the nouns above.
fn singular(word: &str) -> &str {
    match word.strip_suffix('s') {
        Some(stem)
            if matches!(
                stem,
                "password" | "passwd" | "secret" | "token" | "key" | "credential" | "ticket"
            ) =>
        {
            stem
        }
        _ => word,
    }
}

/// The words of a wire name, lower case: acronyms and every character that cannot be in a
/// word break it (`OIDCToken` → `oidc token`, `x-acs-access-token`), run-together words end
/// at a secret noun (`accesskeysecret` → `access key secret`), and split ones are joined
/// (`PassWord` → `password`, `KubeConfig` → `kubeconfig`).
fn words(name: &str) -> Vec<String> {
    let snake = name.to_snake_case();
    join_split_words(
        snake
            .split('_')
            .filter(|word| !word.is_empty())
            .flat_map(split_run_together),
    )
}

/// Nouns that end a word written run together with the words before it.
const NOUNS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "key",
    "kubeconfig",
    "plaintext",
    "credentials",
    "credential",
    "psk",
];

fn split_run_together(word: &str) -> Vec<String> {
    for noun in NOUNS {
        if let Some(rest) = word.strip_suffix(noun)
            && !rest.is_empty()
        {
            let mut words = split_run_together(rest);
            words.push((*noun).to_owned());
            return words;
        }
    }
    vec![word.to_owned()]
}

fn join_split_words(words: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut joined: Vec<String> = Vec::new();
    for word in words {
        let whole = match (joined.last().map(String::as_str), word.as_str()) {
            (Some("pass"), "word") => Some("password"),
            (Some("pass"), "phrase") => Some("passphrase"),
            (Some("pass"), "wd") => Some("passwd"),
            (Some("kube"), "config") => Some("kubeconfig"),
            (Some("plain"), "text") => Some("plaintext"),
            _ => None,
        };
        match whole {
            Some(whole) => *joined.last_mut().expect("a word before") = whole.to_owned(),
            None => joined.push(word),
        }
    }
    joined
}

/// Heads that, opening a description, say what a value is and that it is no secret.
const NOT_SECRETS: &[&str] = &[
    "id",
    "ids",
    "identifier",
    "name",
    "names",
    "type",
    "arn",
    "status",
    "number",
    "no",
    "length",
    "count",
    "delimiter",
    "delimiters",
    "entity",
    "version",
    "time",
    "date",
    "url",
    "address",
    "path",
    "policy",
    "rule",
    "algorithm",
    "format",
    "certificate",
    "parameter",
    "switch",
    "mode",
    "level",
    "region",
    "size",
    "expiration",
    "period",
    "prefix",
    "suffix",
    "code",
    "scope",
];

/// Words that end the noun phrase a description opens with.
const PHRASE_ENDS: &[&str] = &[
    "of", "for", "that", "which", "who", "whose", "to", "in", "on", "with", "when", "where", "is",
    "are", "was", "be", "by", "from", "you", "must", "can", "if", "after", "before", "and", "or",
    "as", "at", "based", "than", "this",
];

/// Participles that end the phrase after a noun (*the token used to …*) but not before one
/// (*the generated password*).
const PARTICIPLES: &[&str] = &[
    "used",
    "required",
    "returned",
    "generated",
    "obtained",
    "issued",
    "configured",
    "specified",
    "created",
    "passed",
    "provided",
    "set",
];

/// Whether a description says its value is a secret (`Some(true)`), says it is something
/// else (`Some(false)`), or does not say (`None`), by the noun phrase it opens with (*The
/// password of the database account*, *The AccessKey ID*, *The value of the API key*).
fn description_says(description: &str) -> Option<bool> {
    let text = description.to_lowercase();
    let opening: String = text.chars().take(200).collect();
    if ["idempoten", "next page", "next query", "paginat", "tokeniz"]
        .iter()
        .any(|marker| opening.contains(marker))
    {
        return Some(false);
    }
    let opening = opening.trim_start();
    let opening = opening
        .strip_prefix("specifies ")
        .or_else(|| opening.strip_prefix("indicates "))
        .unwrap_or(opening);
    if opening.starts_with("whether") {
        return Some(false);
    }
    phrase_says(&text)
}

fn phrase_says(text: &str) -> Option<bool> {
    let tokens = tokens(text);
    let mut rest = tokens.as_slice();
    if let [first, after @ ..] = rest
        && matches!(*first, "the" | "a" | "an" | "your")
    {
        rest = after;
    }
    let mut phrase = Vec::new();
    for token in rest {
        let is_word = token.starts_with(|c: char| c.is_ascii_alphanumeric());
        if !is_word
            || PHRASE_ENDS.contains(token)
            || (!phrase.is_empty() && PARTICIPLES.contains(token))
        {
            break;
        }
        phrase.push(*token);
    }
    let after = &rest[phrase.len()..];
    let words = join_split_words(
        phrase
            .iter()
            .flat_map(|word| word.split(['-', '_', '\'']))
            .filter(|word| !word.is_empty())
            .flat_map(split_run_together),
    );
    if words.is_empty() || words.len() > 5 {
        return None;
    }
    match verdict(&words) {
        Verdict::Secret | Verdict::Likely => Some(true),
        Verdict::Unknown
            if FORMS.contains(&words[words.len() - 1].as_str()) && after.first() == Some(&"of") =>
        {
            // *The value of the API key*: what the value is of.
            phrase_says(&after[1..].join(" "))
        }
        Verdict::Not => {
            let mut head = words.len() - 1;
            while head > 0 && FORMS.contains(&words[head].as_str()) {
                head -= 1;
            }
            let public_key = words[head] == "key" && head > 0 && words[head - 1] == "public";
            (NOT_SECRETS.contains(&words[head].as_str()) || public_key).then_some(false)
        }
        _ => None,
    }
}

/// Words (letters, digits, `-`, `_`, `'`) and single punctuation characters, markdown's
/// emphasis and code marks left out.
fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        let in_word = c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '\'');
        match (start, in_word) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                tokens.push(&text[from..at]);
                start = None;
            }
            _ => {}
        }
        if !in_word && !c.is_whitespace() && !matches!(c, '*' | '`' | '\\') {
            tokens.push(&text[at..at + c.len_utf8()]);
        }
    }
    if let Some(from) = start {
        tokens.push(&text[from..]);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::spanned;

    fn shape(name: &str, ty: &str, description: Option<&str>) -> Shape {
        Shape {
            name: Some(spanned(name.to_owned())),
            ty: Some(spanned(ty.to_owned())),
            description: description.map(str::to_owned),
            ..Shape::default()
        }
    }

    fn judged(
        name: &str,
        ty: &str,
        description: Option<&str>,
        enclosing: Enclosing<'_>,
    ) -> Option<Reason> {
        judge(&shape(name, ty, description), name, enclosing, false)
    }

    /// A top-level parameter of an operation named `Operate`.
    fn top_level(name: &str, description: Option<&str>) -> Option<Reason> {
        judged(name, "string", description, Enclosing::Operation("Operate"))
    }

    #[test]
    fn secrets_are_marked_by_their_name_in_any_spelling() {
        for name in [
            "Password",
            "AccountPassword",
            "password",
            "login_password",
            "LoginPassword",
            "NewPassword",
            "OldPassword",
            "PassWord",
            "Passwd",
            "DefaultPasswd",
            "share_pwd",
            "PassPhrase",
            "SrtPassphrase",
            "RandomPassword",
            "EncryptedPassword",
            "SourceEndpoint.Password",
            "PrivateKey",
            "privateKey",
            "PrivateKeyBody",
            "CertificatePrivateKey",
            "SecretKey",
            "storageSecretKey",
            "ApiKey",
            "apikey",
            "ApiKeyValue",
            "Plaintext",
            "PlainText",
            "SecretData",
            "AppSecret",
            "app_secret",
            "ClientSecret",
            "AccessKeySecret",
            "accessKeySecret",
            "access_key_secret",
            "OssAkSecret",
            "Kubeconfig",
            "KubeConfig",
            "Psk",
            "AccessToken",
            "accessToken",
            "access_token",
            "x-acs-airticket-access-token",
            "SecurityToken",
            "SessionToken",
            "RefreshToken",
            "refresh_token",
            "BearerToken",
            "AuthToken",
            "LoginToken",
            "OIDCToken",
            "StsToken",
            "IdToken",
            "JwtToken",
            "Token",
            "Credential",
            "Credentials",
            "ConnectionTicket",
            "AuthKey",
            "EncryptKey",
            "DingSignKey",
            "AuthorizationCode",
            "Passwords",
        ] {
            assert_eq!(top_level(name, None), Some(Reason::Name), "{name}");
        }
    }

    #[test]
    fn page_and_client_tokens_ids_names_and_metadata_of_secrets_are_not_secrets() {
        for name in [
            "NextToken",
            "nextToken",
            "next_token",
            "NextPageToken",
            "NextpageToken",
            "PreviousToken",
            "ContinuationToken",
            "continuation-token",
            "ScrollToken",
            "ClientToken",
            "clientToken",
            "IdempotentToken",
            "InputTokens",
            "TotalTokens",
            "LifecycleActionToken",
            "Marker",
            "NextMarker",
            "KeyId",
            "KMSKeyId",
            "x-oss-server-side-encryption-key-id",
            "AccessKeyId",
            "SecretName",
            "SecretId",
            "SecretArn",
            "SecretType",
            "TokenType",
            "TokenId",
            "KeyPairName",
            "PublicKey",
            "AppKey",
            "TagKey",
            "PasswordInherit",
            "PasswordPolicy",
            "MinimumPasswordLength",
            "PasswordExpireDays",
            "AccessTokenExpiredTime",
            "PasswordStrength",
            "HasPassword",
            "IsValueSecret",
            "EnableAuthToken",
            "WindowsPasswordName",
            "Passed",
            "Bypass",
            "SecretNo",
            "UserAuthorization",
            "Authorization",
        ] {
            assert_eq!(top_level(name, None), None, "{name}");
        }
    }

    #[test]
    fn flags_numbers_objects_and_fixed_values_are_never_secrets() {
        let outside = Enclosing::Operation("Operate");
        for ty in ["boolean", "int32", "int64", "double", "object"] {
            assert_eq!(judged("Password", ty, None, outside), None, "{ty}");
        }
        let mut fixed = shape("HttpTokens", "string", None);
        fixed.enum_values = vec!["optional".into(), "required".into()];
        assert_eq!(judge(&fixed, "HttpTokens", outside, false), None);
        let mut fixed_password = shape("Password", "string", None);
        fixed_password.enum_values = vec!["a".into()];
        assert_eq!(judge(&fixed_password, "Password", outside, false), None);

        let mut list = shape("Passwords", "array", None);
        list.items = Some(Box::new(Shape {
            ty: Some(spanned("string".to_owned())),
            ..Shape::default()
        }));
        assert_eq!(
            judge(&list, "Passwords", outside, false),
            Some(Reason::Name)
        );
        list.items = Some(Box::new(Shape {
            ty: Some(spanned("object".to_owned())),
            ..Shape::default()
        }));
        assert_eq!(judge(&list, "Passwords", outside, false), None);
    }

    #[test]
    fn a_description_decides_for_a_name_that_says_nothing() {
        for (name, description) in [
            (
                "Key",
                "The private key of the certificate in the PEM format.",
            ),
            ("config", "The kubeconfig file of the cluster."),
            ("Value", "The password that is used to access the instance."),
            ("value", "The value of the API key."),
            ("Data", "The returned authentication token."),
            (
                "Ticket",
                "The credentials for connecting to the cloud computer.",
            ),
            ("EncryptionKey", "The symmetric key for event callbacks."),
        ] {
            assert_eq!(
                top_level(name, Some(description)),
                Some(Reason::Description),
                "{name}"
            );
        }
        for (name, description) in [
            ("Key", "The tag key."),
            ("Value", "The value of the tag."),
            ("AccessKey", "The AccessKey ID."),
            ("EncryptionKey", "The ID of the custom key."),
            ("Content", "The content of the application template."),
            ("config", "The policy configurations."),
            // What a secret's words qualify is not a secret.
            ("Data", "The password policy."),
            ("Data", "The ID of the secret."),
        ] {
            assert_eq!(
                top_level(name, Some(description)),
                None,
                "{name}: {description}"
            );
        }
    }

    #[test]
    fn a_description_overrules_only_a_name_that_is_likely_a_secret() {
        let vetoes = [
            (
                "Token",
                "The token that is used to retrieve the next page of results.",
            ),
            (
                "Token",
                "The client token that is used to ensure the idempotence of the request.",
            ),
            ("Token", "The identifier for the scenario category."),
            ("AuthKey", "The public key of the user."),
            (
                "Credential",
                "The name of the secret that holds the certificate.",
            ),
            ("ImagePullSecrets", "The ID of the corresponding Secret."),
        ];
        for (name, description) in vetoes {
            assert_eq!(
                top_level(name, Some(description)),
                None,
                "{name}: {description}"
            );
        }
        // A secret by name stays one whatever its description says: metadata descriptions
        // are at times another field's.
        assert_eq!(
            top_level("DeviceSecret", Some("The ID of the device.")),
            Some(Reason::Name)
        );
        assert_eq!(
            top_level("Token", Some("The token used to access the repository.")),
            Some(Reason::Name)
        );
    }

    #[test]
    fn a_one_word_name_takes_the_meaning_of_what_encloses_it() {
        let in_password = Enclosing::Field("InstancePassword");
        assert_eq!(
            judged("Value", "string", None, in_password),
            Some(Reason::Enclosing)
        );
        assert_eq!(judged("Type", "string", None, in_password), None);
        let kubeconfig = Enclosing::Operation("DescribeClusterV2UserKubeconfig");
        assert_eq!(
            judged("config", "string", None, kubeconfig),
            Some(Reason::Enclosing)
        );
        assert_eq!(judged("expiration", "string", None, kubeconfig), None);
        let ticket = Enclosing::Operation("GetConnectionTicket");
        assert_eq!(
            judged("Ticket", "string", None, ticket),
            Some(Reason::Enclosing)
        );
        assert_eq!(
            judged(
                "Ticket",
                "string",
                None,
                Enclosing::Operation("CreateTicket")
            ),
            None
        );
        assert_eq!(
            judged("Data", "string", None, Enclosing::Field("Tags")),
            None
        );
    }

    #[test]
    fn an_authorization_is_a_secret_in_a_header() {
        let shape = shape("Authorization", "string", None);
        let operation = Enclosing::Operation("GetUser");
        assert_eq!(
            judge(&shape, "Authorization", operation, true),
            Some(Reason::Name)
        );
        assert_eq!(judge(&shape, "Authorization", operation, false), None);
        let headers = Enclosing::Field("header");
        assert_eq!(
            judge(&shape, "Authorization", headers, false),
            Some(Reason::Name)
        );
    }

    #[test]
    fn marking_reaches_every_depth_and_records_paths_as_the_overlay_writes_them() {
        let text = r#"
request:
  - name: LoginConfig
    in: query
    style: flat
    type: object
    fields:
      - {name: Password, type: string}
      - {name: UserName, type: string}
  - name: Nodes
    in: query
    style: repeatList
    type: array
    items:
      type: object
      fields: [{name: login_password, type: string}]
response:
  - name: Credentials
    type: map
    values:
      type: object
      fields: [{name: AccessKeySecret, type: string}, {name: AccessKeyId, type: string}]
  - name: NextToken
    type: string
"#;
        let mut operation: OperationSpec = serde_saphyr::from_str(text).unwrap();
        let mut judged = Vec::new();
        mark_operation("CreateThing", &mut operation, &mut judged);
        let marked: Vec<(Side, &str)> = judged
            .iter()
            .filter(|value| value.secret.is_some())
            .map(|value| (value.side, value.path.as_str()))
            .collect();
        assert_eq!(
            marked,
            [
                (Side::Request, "LoginConfig.Password"),
                (Side::Request, "Nodes[].login_password"),
                (Side::Response, "Credentials{}.AccessKeySecret"),
            ]
        );
        assert!(operation.request[0].fields[0].sensitive);
        assert!(!operation.request[0].fields[1].sensitive);
        let passed_over: Vec<&str> = judged
            .iter()
            .filter(|value| value.secret.is_none())
            .map(|value| value.path.as_str())
            .collect();
        assert_eq!(
            passed_over,
            ["Credentials", "Credentials{}.AccessKeyId", "NextToken"]
        );
    }
}
