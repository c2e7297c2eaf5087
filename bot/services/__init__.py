"""Domain services: the rules of the programme. Nothing here imports aiogram."""
