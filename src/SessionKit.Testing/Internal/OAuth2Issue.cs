// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing.Internal;

/// <summary>The tokens one successful grant of an <see cref="OAuth2TestServer"/> issued.</summary>
internal sealed record OAuth2Issue(OAuth2AccessRow Access, OAuth2RefreshRow Refresh);
