"""The sample news web: static outlets under sites/, served on 127.0.0.1 by server.FixtureWeb."""
