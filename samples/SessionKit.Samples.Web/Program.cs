// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Samples.Web;

// One process: the embedded GoTrue server, a downstream API and the web app, each on its own loopback port.
var options = WebDemoOptions.FromArgs(args);
await using var demo = await WebDemo.StartAsync(options);
Console.WriteLine($"Auth server:    {demo.AuthServer.AuthUrl}");
Console.WriteLine($"Downstream API: {demo.ApiUrl}");
Console.WriteLine($"Web app:        {demo.WebUrl}  <- open this; sign in as ada@example.test / correct horse battery staple");
Console.WriteLine($"Access tokens live {options.AuthServer.AccessTokenLifetime.TotalSeconds} s. Press Ctrl+C to stop.");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
await stop.Task;
