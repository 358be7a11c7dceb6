using AiTradingBot.Cli;

// System.CommandLine turns Ctrl+C into cancellation of the running verb.
return await CliApp.RunAsync(args, Console.Out, Console.Error, configuration: null, stdin: Console.In);
