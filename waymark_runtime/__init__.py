"""The Waymark runtime: the `.wrl` language (IR, parser, printer), the interpreter, storage,
workers and the client. It never imports libcst, typer, graphviz or the compiler."""
