// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>How an OAuth 2.0 client authenticates to the token endpoint (RFC 6749 §2.3.1).</summary>
public enum OAuth2ClientAuthentication
{
    /// <summary>HTTP Basic with the URL-encoded client id and secret (<c>client_secret_basic</c>). A public client (no secret) sends <c>client_id</c> in the body.</summary>
    BasicHeader = 0,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body (<c>client_secret_post</c>).</summary>
    RequestBody = 1,
}
