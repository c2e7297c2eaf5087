## Recognition at the end of a programme

recognition-kind-mentor-of-year = «Наставник года»
recognition-kind-best-pair = «Лучшая пара»
recognition-notice-mentor-of-year =
    🏅 <b>Номинация «Наставник года»</b> — программа «{ $programme }» завершилась.
    Предлагаю: <b>{ $name }</b>.
    Встреч проведено: { $meetings }; средняя оценка встреч наставляемыми: { $rating } из 5; рост наставляемых от входа к выходу: { $growth } (шкала 1–10).
    Итоговый балл: { $score } из 100.
recognition-notice-best-pair =
    🤝 <b>Номинация «Лучшая пара»</b> — программа «{ $programme }» завершилась.
    Предлагаю: <b>{ $name }</b>.
    Встреч проведено: { $meetings }; средняя оценка встреч: { $rating } из 5; рост от входа к выходу: { $growth } (шкала 1–10).
    Итоговый балл: { $score } из 100.
recognition-accept-button = ✅ Принять
recognition-ignore-button = Пропустить
recognition-accepted = 🎉 Номинация { $kind } принята. Отметка сохранена.
recognition-ignored = Номинация { $kind } пропущена.
recognition-already-accepted = Номинация { $kind } уже принята раньше.
recognition-already-ignored = Номинация { $kind } уже пропущена раньше.
