// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.EntityFrameworkCore;

namespace SessionKit.Tests.OAuth2;

/// <summary>The EF Core in-memory database behind <see cref="OpenIddictTestHost"/>'s OpenIddict stores.</summary>
internal sealed class OpenIddictTestDbContext(DbContextOptions<OpenIddictTestDbContext> options) : DbContext(options);
