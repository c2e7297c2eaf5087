# Еженедельная сводка куратора: сначала то, что требует внимания, потом по программам.
command-digest = Сводка по школе за неделю
digest-title = 📊 <b>Сводка «{ $school }»</b>, неделя { $week }
digest-nothing-yet =
    📊 <b>Сводка «{ $school }»</b>
    В школе пока нет ни одной программы наставничества — сводке не о чем рассказать.
    Создайте программу: /programmes. Сводка приходит раз в неделю; /digest — прямо сейчас.
digest-attention-title = <b>⚠️ Требует внимания</b>
digest-attention-none = ✅ Ничего срочного: всё идёт своим чередом.
digest-more = и ещё { $count }
digest-attention-quiet = 💤 Давно без встреч: { $count ->
        [one] { $count } пара
        [few] { $count } пары
       *[other] { $count } пар
    }
digest-attention-low-rating = 👎 Низкие оценки встреч: { $count ->
        [one] { $count } пара
        [few] { $count } пары
       *[other] { $count } пар
    }
digest-attention-falling-rating = 📉 Оценки падают: { $count ->
        [one] { $count } пара
        [few] { $count } пары
       *[other] { $count } пар
    }
digest-attention-disputed = ❗ Наставляемый пишет «встречи не было»: { $count ->
        [one] { $count } пара
        [few] { $count } пары
       *[other] { $count } пар
    }
digest-attention-unconfirmed = ⏳ Встречи не подтверждены больше 3 дней: { $count ->
        [one] { $count } пара
        [few] { $count } пары
       *[other] { $count } пар
    }
digest-attention-misfit = 🙅 Ответ «не подходит»: { $count ->
        [one] { $count } пара
        [few] { $count } пары
       *[other] { $count } пар
    }
digest-attention-survey-missing = 📝 Не сдали анкету к сроку: { $count ->
        [one] { $count } человек
        [few] { $count } человека
       *[other] { $count } человек
    }
digest-attention-unreachable = 🚫 Заблокировали бота: { $count ->
        [one] { $count } человек
        [few] { $count } человека
       *[other] { $count } человек
    }
digest-attention-unpaired = 🧍 Наставляемые без пары: { $count }
digest-attention-choosing = 🤔 Выбирают наставника из предложенных: { $count }
digest-attention-guardian = 👪 Ждут согласия родителя: { $count }
digest-names = { $names }
digest-programme-title = <b>📚 { $programme }</b>
digest-programme-stage = Этап: { $stage }
digest-programme-pairs = Активных пар: { $pairs }
digest-programme-meetings = Встреч: { $week } на этой неделе, { $last } на прошлой, { $total } всего
digest-programme-plan = План: выполнено { $done } из { $all }
digest-programme-plan-none = План: пунктов пока нет
digest-programme-wave = Анкета ({ $wave }): { $submitted } из { $expected }, срок { $deadline }
digest-programme-wave-none = Анкет пока не было
digest-wave-entry = входная
digest-wave-intermediate = промежуточная
digest-wave-exit = итоговая
digest-wave-pulse = пульс
digest-chart-title = Встречи по неделям
digest-chart-held = проведено
digest-chart-confirmed = подтверждено наставляемыми
digest-chart-empty = За 8 недель встреч не было
digest-chart-caption = 📈 Встречи за 8 недель
digest-file-caption = 📎 Подробно по каждой паре
digest-file-name = svodka-{ $week }.xlsx
digest-sheet = Пары
digest-col-programme = Программа
digest-col-mentor = Наставник
digest-col-mentees = Наставляемые
digest-col-status = Статус
digest-col-since = С
digest-col-held = Встреч
digest-col-last = Последняя встреча
digest-col-rating = Средняя оценка
digest-col-plan = План (выполнено/всего)
digest-col-fit = Подходит ли пара
digest-col-flags = Внимание
digest-status-proposed = предложена
digest-status-active = работает
digest-status-completed = завершена
digest-status-terminated = прекращена
digest-fit-fits = подходит
digest-fit-unsure = не уверен
digest-fit-no = не подходит
digest-flag-quiet = давно без встреч
digest-flag-low-rating = низкие оценки
digest-flag-falling-rating = оценки падают
digest-flag-disputed = «встречи не было»
digest-flag-unconfirmed = не подтверждена
digest-flag-misfit = «не подходит»
# /digest
digest-collecting = ⏳ Собираю сводку… Она придёт сюда через минуту.
digest-not-curator = Сводка по школе приходит кураторам. Если вы куратор, попросите администратора прислать вам приглашение. Главное меню: /start
digest-choose-school = Сводку какой школы собрать?
# День и час сводки
digest-day-button = 📊 День сводки
digest-day-current =
    📊 Еженедельная сводка «{ $school }» приходит кураторам: <b>{ $weekday }, { $hour }:00</b> ({ $timezone }).
    Выберите день и час.
digest-day-saved = ✅ Сводка будет приходить: { $weekday }, { $hour }:00.
digest-weekday-0 = понедельник
digest-weekday-1 = вторник
digest-weekday-2 = среда
digest-weekday-3 = четверг
digest-weekday-4 = пятница
digest-weekday-5 = суббота
digest-weekday-6 = воскресенье
digest-weekday-short-0 = Пн
digest-weekday-short-1 = Вт
digest-weekday-short-2 = Ср
digest-weekday-short-3 = Чт
digest-weekday-short-4 = Пт
digest-weekday-short-5 = Сб
digest-weekday-short-6 = Вс
error-digest-schedule = Выберите день недели и час кнопками.
