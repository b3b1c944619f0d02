// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Internal;

/// <summary>Source-generated JSON for the file store (no reflection, trimming-safe).</summary>
[JsonSerializable(typeof(Envelope))]
[JsonSerializable(typeof(StoreContent))]
internal sealed partial class FileStoreJsonContext : JsonSerializerContext
{
}
