// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;

// [Range(typeof(TimeSpan), min, max)] on the options is metadata for the source-generated validators
// (SessionKitOptionsValidator, SessionHandlerOptionsValidator, FileTokenStoreOptionsValidator). The Options source generator
// (Microsoft.Extensions.Options 8.0.1 and later; 8.0.0 would construct the RangeAttribute itself) turns each of them into its own
// trim-safe copy that parses the bounds with TimeSpan.TryParse, so no RangeAttribute is constructed and no TypeConverter is
// looked up at run time. The trim analyzer still flags the attribute's RequiresUnreferencedCode constructor at the site.
// The trimmer (ILLink) honors these suppressions; the native-AOT compiler does not (a PublishAot app still reports the nine
// IL2026 at these properties, and runs fine). The real fix is a trim-safe TimeSpan range attribute of our own on those
// properties, in the options files of Refresh/, Handler/ and Stores/File/; then these lines go.
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.RefreshOptions.AttemptTimeout", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.RefreshOptions.RetryBaseDelay", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.RefreshOptions.MaxRetryDelay", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.RefreshOptions.CircuitBreakerSamplingDuration", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.RefreshOptions.CircuitBreakerBreakDuration", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.RefreshOptions.MinimumRefreshInterval", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.RefreshOptions.TotalTimeout", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.SessionHandlerOptions.RefreshMargin", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.FileTokenStoreOptions.LockTimeout", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.RefreshOptions.SettleDelay", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
[assembly: UnconditionalSuppressMessage("Trimming", "IL2026", Scope = "member", Target = "P:SessionKit.OAuth2Options.RefreshTokenReuseLeeway", Justification = "Read only by the source-generated validator, which uses a trim-safe copy of the range.")]
