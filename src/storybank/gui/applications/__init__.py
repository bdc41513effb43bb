"""The Applications mode (the interview loop): its view and dialogs."""
