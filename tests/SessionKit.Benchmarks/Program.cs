// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(SessionKit.Benchmarks.HotPathBenchmarks).Assembly).Run(args);
